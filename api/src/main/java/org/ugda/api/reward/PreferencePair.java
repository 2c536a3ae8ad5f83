package org.ugda.api.reward;

/**
 * A preference for {@code prompt}: {@code chosen} over {@code rejected}; {@code subset} is
 * optional.
 */
public record PreferencePair(String prompt, String chosen, String rejected, String subset) {}
