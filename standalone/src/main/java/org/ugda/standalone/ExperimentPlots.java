package org.ugda.standalone;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.ugda.gateway.experiments.ExperimentTables;
import org.ugda.gateway.experiments.ExperimentTables.Curve;
import org.ugda.gateway.experiments.ExperimentTables.MainRow;
import org.ugda.gateway.experiments.ExperimentTables.SweepRow;
import org.ugda.gateway.experiments.Stat;
import org.ugda.gateway.pipeline.Method;

/**
 * The report's PNG plots, drawn with java.awt in headless mode: gold reward per method with its 95%
 * interval (one plot per noise), the over-optimisation curves of PPO and of UGDA's second PPO (gold
 * and proxy against sqrt(KL)), and gold against the projection dimension.
 */
final class ExperimentPlots {
  private ExperimentPlots() {}

  private static final int W = 960;
  private static final int H = 520;
  private static final int L = 80;
  private static final int R = 30;
  private static final int T = 50;
  private static final int B = 120;
  private static final Color[] COLORS = {
    new Color(0x1F, 0x5F, 0xBF),
    new Color(0xC8, 0x8A, 0x00),
    new Color(0x2E, 0x8B, 0x57),
    new Color(0xB2, 0x22, 0x22),
    new Color(0x6A, 0x3D, 0x9A),
    new Color(0x55, 0x55, 0x55)
  };

  /** A line: its name and points (x, y). */
  record Series(String name, List<double[]> points) {}

  /** Writes every plot the report has data for; answers their file names. */
  static List<String> write(ExperimentTables.Report r, Path out) {
    System.setProperty("java.awt.headless", "true");
    List<String> files = new ArrayList<>();
    for (String noise : ExperimentReport.noises(r)) {
      List<MainRow> rows = r.main().stream().filter(m -> m.noise().equals(noise)).toList();
      String f = "gold-" + noise + ".png";
      bars(
          out.resolve(f),
          "gold reward of the final policy (all held-out prompts), " + noise + ", mean ± 95% CI",
          rows.stream().map(ExperimentReport::label).toList(),
          rows.stream().map(m -> m.goldMean().get("all")).toList());
      files.add(f);
      List<Series> gold = new ArrayList<>();
      List<Series> proxy = new ArrayList<>();
      for (Curve c : r.curves()) {
        boolean ppo = c.method() == Method.PPO && c.budget() == 0 && c.stage().equals("ppo");
        boolean ugda =
            c.method() == Method.UGDA && c.budget() > 0 && c.stage().equals("ppo-refined");
        if (!c.noise().equals(noise) || !(ppo || ugda)) {
          continue;
        }
        String name = ppo ? "PPO (member 0)" : "UGDA, second PPO (refined ensemble)";
        gold.add(series(name, c, p -> p.goldMean()));
        proxy.add(series(name, c, p -> p.proxyMean()));
      }
      if (!gold.isEmpty()) {
        f = "overopt-" + noise + ".png";
        twoPanels(
            out.resolve(f),
            "over-optimisation, " + noise + ": gold (left) and proxy (right) reward vs sqrt(KL)",
            gold,
            proxy);
        files.add(f);
      }
    }
    List<SweepRow> dims =
        r.sweeps().stream()
            .filter(s -> s.sweep().equals("dim") && s.goldMean().get("all") != null)
            .sorted(java.util.Comparator.comparingInt(SweepRow::dim))
            .toList();
    if (dims.size() > 1) {
      List<double[]> pts = new ArrayList<>();
      for (SweepRow s : dims) {
        pts.add(new double[] {Math.log(s.dim()) / Math.log(2), s.goldMean().get("all").mean()});
      }
      String f = "sweep-dim.png";
      twoPanels(
          out.resolve(f),
          "UGDA's gold reward (all) against log2 of the projection dimension",
          List.of(new Series("UGDA", pts)),
          List.of());
      files.add(f);
    }
    return files;
  }

  private static Series series(
      String name, Curve c, java.util.function.Function<ExperimentTables.CurvePoint, Stat> y) {
    List<double[]> pts = new ArrayList<>();
    for (var p : c.points()) {
      if (p.sqrtKl() != null && y.apply(p) != null) {
        pts.add(new double[] {p.sqrtKl().mean(), y.apply(p).mean()});
      }
    }
    // drawn from left to right: one step's KL estimate is noisy, so steps do not come in x order
    pts.sort(java.util.Comparator.comparingDouble(a -> a[0]));
    return new Series(name, pts);
  }

  private static void bars(Path file, String title, List<String> labels, List<Stat> values) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (Stat s : values) {
      if (s != null) {
        double ci = s.ci95() == null ? 0 : s.ci95();
        lo = Math.min(lo, s.mean() - ci);
        hi = Math.max(hi, s.mean() + ci);
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    double pad = Math.max(1e-3, (hi - lo) * 0.15);
    lo = Math.max(0, lo - pad);
    hi = hi + pad;
    int pw = W - L - R;
    int ph = H - T - B;
    yAxis(g, lo, hi, ph);
    int n = labels.size();
    for (int i = 0; i < n; i++) {
      Stat s = values.get(i);
      int x0 = L + pw * i / n + 6;
      int bw = pw / n - 12;
      g.setColor(COLORS[i % COLORS.length]);
      if (s != null) {
        int y = y(s.mean(), lo, hi, ph);
        g.fillRect(x0, y, bw, T + ph - y);
        if (s.ci95() != null) {
          g.setColor(Color.BLACK);
          int ya = y(s.mean() + s.ci95(), lo, hi, ph);
          int yb = y(s.mean() - s.ci95(), lo, hi, ph);
          int xc = x0 + bw / 2;
          g.drawLine(xc, ya, xc, yb);
          g.drawLine(xc - 5, ya, xc + 5, ya);
          g.drawLine(xc - 5, yb, xc + 5, yb);
        }
      }
      g.setColor(Color.BLACK);
      var at = g.getTransform();
      g.rotate(Math.toRadians(40), x0 + bw / 2.0, T + ph + 12);
      g.drawString(labels.get(i), x0 + bw / 2, T + ph + 16);
      g.setTransform(at);
    }
    save(img, g, file);
  }

  private static void twoPanels(Path file, String title, List<Series> left, List<Series> right) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    int half = right.isEmpty() ? W - L - R : (W - L - R) / 2 - 40;
    panel(g, left, L, half);
    if (!right.isEmpty()) {
      panel(g, right, L + half + 80, half);
    }
    int y = H - B + 50;
    List<Series> all = left;
    for (int i = 0; i < all.size(); i++) {
      g.setColor(COLORS[i % COLORS.length]);
      g.fillRect(L + 280 * i, y - 9, 18, 4);
      g.setColor(Color.BLACK);
      g.drawString(all.get(i).name(), L + 280 * i + 24, y - 4);
    }
    save(img, g, file);
  }

  private static void panel(Graphics2D g, List<Series> series, int x0, int pw) {
    double xlo = Double.MAX_VALUE;
    double xhi = -Double.MAX_VALUE;
    double ylo = Double.MAX_VALUE;
    double yhi = -Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xlo = Math.min(xlo, p[0]);
        xhi = Math.max(xhi, p[0]);
        ylo = Math.min(ylo, p[1]);
        yhi = Math.max(yhi, p[1]);
      }
    }
    if (xlo > xhi) {
      return;
    }
    if (xhi - xlo < 1e-9) {
      xhi = xlo + 1;
    }
    double pad = Math.max(1e-3, (yhi - ylo) * 0.1);
    ylo -= pad;
    yhi += pad;
    int ph = H - T - B;
    g.setColor(new Color(0xE6, 0xE6, 0xE6));
    for (int i = 0; i <= 4; i++) {
      int yy = T + ph - ph * i / 4;
      g.drawLine(x0, yy, x0 + pw, yy);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.3f", ylo + (yhi - ylo) * i / 4), x0 - 52, yy + 4);
      g.drawString(
          String.format(Locale.ROOT, "%.2f", xlo + (xhi - xlo) * i / 4),
          x0 + pw * i / 4 - 12,
          T + ph + 18);
      g.setColor(new Color(0xE6, 0xE6, 0xE6));
    }
    g.setColor(Color.BLACK);
    g.drawRect(x0, T, pw, ph);
    g.setStroke(new BasicStroke(2f));
    for (int k = 0; k < series.size(); k++) {
      g.setColor(COLORS[k % COLORS.length]);
      int[] last = null;
      for (double[] p : series.get(k).points()) {
        int x = x0 + (int) Math.round(pw * (p[0] - xlo) / (xhi - xlo));
        int y = T + ph - (int) Math.round(ph * (p[1] - ylo) / (yhi - ylo));
        g.fillOval(x - 3, y - 3, 6, 6);
        if (last != null) {
          g.drawLine(last[0], last[1], x, y);
        }
        last = new int[] {x, y};
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, L, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  private static void yAxis(Graphics2D g, double lo, double hi, int ph) {
    for (int i = 0; i <= 5; i++) {
      int yy = T + ph - ph * i / 5;
      g.setColor(new Color(0xE6, 0xE6, 0xE6));
      g.drawLine(L, yy, W - R, yy);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.3f", lo + (hi - lo) * i / 5), L - 50, yy + 4);
    }
  }

  private static int y(double v, double lo, double hi, int ph) {
    return T + ph - (int) Math.round(ph * (v - lo) / (hi - lo));
  }

  private static void save(BufferedImage img, Graphics2D g, Path file) {
    g.dispose();
    try {
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
