package org.ugda.selection.web;

import java.util.Locale;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SelectedSample;
import org.ugda.api.selection.SelectionView;

/** Why a selection kept or dropped a sample, in words (the explain endpoint's {@code reason}). */
final class Explanations {
  private Explanations() {}

  static String reason(SelectionView v, SelectedSample s) {
    CreateSelection r = v.request();
    int n = v.logSize();
    int k = v.keptSize();
    String variance =
        String.format(
            Locale.ROOT,
            "variance rank %d of %d (fraction %.4f %s gamma = %s)",
            s.varianceRank(),
            n,
            s.varianceFraction(),
            s.passedUncertainty() ? ">" : "<=",
            r.gamma());
    String verdict = s.kept() ? "kept" : "dropped";
    return switch (r.strategy()) {
      case UGDA ->
          !s.passedUncertainty()
              ? "dropped by the uncertainty filter: " + variance
              : verdict
                  + ": passed the uncertainty filter ("
                  + variance
                  + ") and "
                  + influence(s, v.trainSize(), k)
                  + " of the "
                  + v.trainSize()
                  + " that passed";
      case GRADIENT -> verdict + ": " + influence(s, n, k) + " of the whole log";
      case UNCERTAINTY ->
          verdict
              + ": "
              + variance
              + "; the "
              + k
              + " most uncertain samples (ranks above "
              + (n - k)
              + ") are kept";
      case RANDOM ->
          verdict
              + ": "
              + (s.kept() ? "drawn" : "not drawn")
              + " in the seeded uniform sample of "
              + k
              + " of "
              + n
              + " (seed "
              + r.seed()
              + ")";
    };
  }

  private static String influence(SelectedSample s, int pool, int k) {
    return String.format(
        Locale.ROOT,
        "its aggregate influence %.6f ranks %d of %d, %s the top %d kept (ranks above %d)",
        s.aggregate(),
        s.influenceRank(),
        pool,
        s.kept() ? "within" : "outside",
        k,
        pool - k);
  }
}
