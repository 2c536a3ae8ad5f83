package org.ugda.benchmark.overopt;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws gold and proxy mean reward against sqrt(KL to SFT), two y axes (gold left, proxy right),
 * with java.awt in headless mode: no display and no plotting library needed.
 */
final class OverOptPlot {
  private OverOptPlot() {}

  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 90;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final Color GOLD = new Color(0xC8, 0x8A, 0x00);
  private static final Color PROXY = new Color(0x1F, 0x5F, 0xBF);

  static void write(Path png, List<OverOptimisation.Point> points, OverOptConfig c) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      double[] x = range(points, OverOptimisation.Point::sqrtKl, true);
      double[] gy = range(points, OverOptimisation.Point::goldMean, false);
      double[] py = range(points, OverOptimisation.Point::proxyMean, false);
      int pw = W - LEFT - RIGHT;
      int ph = H - TOP - BOTTOM;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      // grid and ticks
      for (int i = 0; i <= 5; i++) {
        int yy = TOP + ph - ph * i / 5;
        int xx = LEFT + pw * i / 5;
        g.setColor(new Color(0xE6, 0xE6, 0xE6));
        g.drawLine(LEFT, yy, LEFT + pw, yy);
        g.drawLine(xx, TOP, xx, TOP + ph);
        g.setColor(GOLD);
        drawRight(g, fmt(gy[0] + (gy[1] - gy[0]) * i / 5), LEFT - 6, yy + 4);
        g.setColor(PROXY);
        g.drawString(fmt(py[0] + (py[1] - py[0]) * i / 5), LEFT + pw + 6, yy + 4);
        g.setColor(Color.DARK_GRAY);
        String xl = fmt(x[0] + (x[1] - x[0]) * i / 5);
        g.drawString(xl, xx - g.getFontMetrics().stringWidth(xl) / 2, TOP + ph + 18);
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, pw, ph);
      series(g, points, OverOptimisation.Point::goldMean, x, gy, GOLD, pw, ph);
      series(g, points, OverOptimisation.Point::proxyMean, x, py, PROXY, pw, ph);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.setColor(Color.BLACK);
      String title =
          String.format(
              Locale.ROOT,
              "PPO with %s shaping: gold and proxy reward vs sqrt(KL to SFT)",
              c.shaping().wire());
      g.drawString(title, (W - g.getFontMetrics().stringWidth(title)) / 2, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      String sub =
          String.format(
              Locale.ROOT,
              "%d members, %d steps x %d rows, lr %.1e, beta %.3f, seed %d; labels: PPO step",
              c.members(),
              c.steps(),
              c.batch(),
              c.lr(),
              c.beta(),
              c.seed());
      g.drawString(sub, (W - g.getFontMetrics().stringWidth(sub)) / 2, 46);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      String xl = "sqrt(KL(policy || SFT)), nats^0.5, on held-out prompts";
      g.drawString(xl, LEFT + (pw - g.getFontMetrics().stringWidth(xl)) / 2, H - 30);
      g.setColor(GOLD);
      vertical(g, "gold mean reward (world's gold scorer)", 22, TOP + ph / 2, -Math.PI / 2);
      g.setColor(PROXY);
      vertical(g, "proxy mean reward (ensemble mean)", W - 18, TOP + ph / 2, Math.PI / 2);
      // legend
      int lx = LEFT + 12;
      int ly = TOP + 14;
      g.setColor(GOLD);
      g.fillRect(lx, ly - 8, 18, 4);
      g.drawString("gold", lx + 24, ly - 3);
      g.setColor(PROXY);
      g.fillRect(lx, ly + 10, 18, 4);
      g.drawString("proxy", lx + 24, ly + 15);
    } finally {
      g.dispose();
    }
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      if (!ImageIO.write(img, "png", png.toFile())) {
        throw new IOException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
    }
  }

  private static void series(
      Graphics2D g,
      List<OverOptimisation.Point> points,
      ToDoubleFunction<OverOptimisation.Point> f,
      double[] x,
      double[] y,
      Color color,
      int pw,
      int ph) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (OverOptimisation.Point p : points) {
      int xx = LEFT + (int) Math.round(pw * (p.sqrtKl() - x[0]) / (x[1] - x[0]));
      int yy = TOP + ph - (int) Math.round(ph * (f.applyAsDouble(p) - y[0]) / (y[1] - y[0]));
      if (px >= 0) {
        g.drawLine(px, py, xx, yy);
      }
      g.fillOval(xx - 4, yy - 4, 8, 8);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      g.drawString(Integer.toString(p.step()), xx + 5, yy - 5);
      px = xx;
      py = yy;
    }
    g.setStroke(new BasicStroke(1f));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
  }

  /** [lo, hi] of a series with a 5% margin (from 0 for the x axis). */
  private static double[] range(
      List<OverOptimisation.Point> points,
      ToDoubleFunction<OverOptimisation.Point> f,
      boolean fromZero) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (OverOptimisation.Point p : points) {
      double v = f.applyAsDouble(p);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (fromZero) {
      lo = Math.min(0, lo);
    }
    double span = hi - lo;
    if (!(span > 1e-9)) {
      span = Math.max(1e-3, Math.abs(hi) * 0.1);
      lo -= span / 2;
      hi += span / 2;
    }
    double pad = fromZero ? 0 : 0.05 * span;
    return new double[] {lo - pad, hi + 0.05 * span};
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  private static void drawRight(Graphics2D g, String s, int right, int y) {
    g.drawString(s, right - g.getFontMetrics().stringWidth(s), y);
  }

  private static void vertical(Graphics2D g, String s, int x, int cy, double angle) {
    AffineTransform old = g.getTransform();
    g.translate(x, cy);
    g.rotate(angle);
    g.drawString(s, -g.getFontMetrics().stringWidth(s) / 2, 0);
    g.setTransform(old);
  }
}
