package org.ugda.api.selection;

import java.util.List;

/** A page of a selection's samples, in log order; {@code next} is the cursor of the next page. */
public record SelectedPage(List<SelectedSample> items, String next) {}
