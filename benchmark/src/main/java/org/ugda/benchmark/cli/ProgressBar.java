package org.ugda.benchmark.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar on a terminal (plain lines when output is not a terminal). */
public final class ProgressBar {
  private final PrintStream out;
  private final boolean tty;
  private final long start = System.nanoTime();
  private int lastPercent = -1;

  public ProgressBar(PrintStream out) {
    this.out = out;
    this.tty = System.console() != null;
  }

  public void update(String label, int done, int total, String detail) {
    int pct = total == 0 ? 100 : (int) (100L * done / total);
    if (!tty && pct / 10 == lastPercent / 10 && done != total) {
      return;
    }
    lastPercent = pct;
    int width = 30;
    int filled = width * pct / 100;
    String bar =
        "=".repeat(filled)
            + (filled < width ? ">" : "")
            + " ".repeat(Math.max(0, width - filled - 1));
    double secs = (System.nanoTime() - start) / 1e9;
    String line =
        String.format(
            Locale.ROOT,
            "%-12s [%s] %3d%% %d/%d %s %.0fs",
            label,
            bar,
            pct,
            done,
            total,
            detail,
            secs);
    if (tty) {
      out.print("\r" + line);
      if (done == total) {
        out.println();
      }
    } else {
      out.println(line);
    }
    out.flush();
  }
}
