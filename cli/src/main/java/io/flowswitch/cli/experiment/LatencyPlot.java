package io.flowswitch.cli.experiment;

import java.util.List;
import java.util.Locale;

/**
 * A latency-by-percentile plot as a standalone SVG: x is the percentile on a log scale of {@code 1 / (1 - p)}
 * (so 50, 90, 99, 99.9, 99.99 are evenly spaced, as HdrHistogram plots them), y the latency in milliseconds,
 * one line per series, with a dashed line per target. Scales and escapes text as {@link SvgPlot} does.
 * Stateless.
 */
final class LatencyPlot {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** One point: a percentile (0..100, exclusive of 100) and its latency in nanoseconds. */
    record Point(double percentile, long latencyNs) {}

    record Series(String name, List<Point> points) {}

    /** A horizontal line at {@code latencyNs}, labelled. */
    record Target(String label, long latencyNs) {}

    private LatencyPlot() {
    }

    static String svg(String title, List<Series> series, List<Target> targets) {
        double maxX = Math.log10(1 / (1 - 0.999));
        long maxNs = 1;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxX = Math.max(maxX, x(p.percentile()));
                maxNs = Math.max(maxNs, p.latencyNs());
            }
        }
        for (Target t : targets) {
            maxNs = Math.max(maxNs, t.latencyNs());
        }
        final double maxMs = SvgPlot.niceCeiling(maxNs / 1e6);
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT,
            SvgPlot.escape(title)));
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;
        // Axes and grid.
        for (int i = 0; i <= 5; i++) {
            final double ms = maxMs * i / 5;
            final double y = TOP + plotHeight - plotHeight * i / 5.0;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, y, LEFT + plotWidth, y));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                LEFT - 6, y + 4, trim(ms)));
        }
        for (double p : new double[] {0, 50, 90, 99, 99.9, 99.99, 99.999}) {
            final double x = x(p);
            if (x > maxX + 1e-9) {
                break;
            }
            final double px = LEFT + plotWidth * x / maxX;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                px, TOP, px, TOP + plotHeight));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s%%</text>%n",
                px, TOP + plotHeight + 16, trim(p)));
        }
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            + "stroke=\"#333\"/>%n", LEFT, TOP, plotWidth, plotHeight));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            LEFT + plotWidth / 2, HEIGHT - 10));
        out.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
            + "text-anchor=\"middle\">latency (ms)</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
        for (Target t : targets) {
            final double y = TOP + plotHeight - plotHeight * (t.latencyNs() / 1e6) / maxMs;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" "
                + "stroke-dasharray=\"5,4\"/>%n", LEFT, y, LEFT + plotWidth, y));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s"
                + "</text>%n", LEFT + plotWidth - 4, y - 4, SvgPlot.escape(t.label())));
        }
        for (int s = 0; s < series.size(); s++) {
            final Series one = series.get(s);
            final String colour = COLOURS[s % COLOURS.length];
            final StringBuilder path = new StringBuilder();
            for (Point p : one.points()) {
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f",
                    LEFT + plotWidth * x(p.percentile()) / maxX,
                    TOP + plotHeight - plotHeight * (p.latencyNs() / 1e6) / maxMs));
            }
            out.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                path, colour));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", LEFT + 10,
                TOP + 16 + 16 * s, colour, SvgPlot.escape(one.name())));
        }
        return out.append("</svg>\n").toString();
    }

    private static double x(double percentile) {
        return Math.log10(1 / (1 - Math.min(percentile, 99.9999) / 100));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%s",
            Double.toString(value).replaceAll("0+$", ""));
    }
}
