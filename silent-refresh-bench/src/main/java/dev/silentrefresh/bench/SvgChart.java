package dev.silentrefresh.bench;

import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as a self-contained SVG: one bar per label, an optional min–max whisker, an optional
 * vertical target line, the value printed at the bar's end. Plain SVG 1.1, no scripts, readable on GitHub.
 */
final class SvgChart {
  /** One bar; {@code min} and {@code max} are NaN when there is no spread to draw. */
  record Bar(String label, double value, double min, double max) {
    static Bar of(String label, double value) {
      return new Bar(label, value, Double.NaN, Double.NaN);
    }
  }

  private static final int LABEL_WIDTH = 260;
  private static final int PLOT_WIDTH = 420;
  private static final int ROW = 24;

  private SvgChart() {}

  /**
   * @param target a value to draw a dashed line at (NaN for none)
   * @param unit printed after each value
   */
  static String render(String title, String unit, List<Bar> bars, double target) {
    double top = Double.isNaN(target) ? 0 : target;
    for (Bar b : bars) top = Math.max(top, Math.max(b.value(), Double.isNaN(b.max()) ? 0 : b.max()));
    top = top <= 0 ? 1 : top * 1.1;
    int height = 40 + bars.size() * ROW + 20;
    int width = LABEL_WIDTH + PLOT_WIDTH + 120;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
    s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
        escape(title)));
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = 40 + i * ROW;
      double w = Math.max(0, b.value()) / top * PLOT_WIDTH;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
          LABEL_WIDTH - 8, y + 15, escape(b.label())));
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4a7ebb\"/>%n",
          LABEL_WIDTH, y + 3, w));
      if (!Double.isNaN(b.min()) && !Double.isNaN(b.max())) {
        double x1 = LABEL_WIDTH + b.min() / top * PLOT_WIDTH;
        double x2 = LABEL_WIDTH + b.max() / top * PLOT_WIDTH;
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
            x1, y + 11, x2, y + 11));
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
            x1, y + 6, x1, y + 16));
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
            x2, y + 6, x2, y + 16));
      }
      double labelX = LABEL_WIDTH + Math.max(w, Double.isNaN(b.max()) ? 0 : b.max() / top * PLOT_WIDTH) + 6;
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s%s</text>%n", labelX, y + 15,
          format(b.value()), unit.isEmpty() ? "" : " " + escape(unit)));
    }
    if (!Double.isNaN(target)) {
      double x = LABEL_WIDTH + target / top * PLOT_WIDTH;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"32\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\" "
          + "stroke-dasharray=\"4 3\"/>%n", x, x, height - 18));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#c0392b\" text-anchor=\"middle\">"
          + "target %s</text>%n", x, height - 4, format(target)));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.valueOf((long) v);
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
