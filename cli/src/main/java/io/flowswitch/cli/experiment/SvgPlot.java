package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small SVG chart, with no dependency: a line chart over numeric x (linear or logarithmic), or a bar
 * chart over named categories, with a y axis from zero, ticks, a legend, and optional vertical markers
 * (a threshold, a limit). Enough to see an experiment's shape in a browser; the CSV beside it holds the
 * numbers. Not thread-safe: built and rendered by one thread.
 */
public final class SvgPlot {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};

    /** One series: for a line chart, points {@code (xs[i], ys[i])}; for a bar chart, one value per category. */
    private record Series(String name, double[] xs, double[] ys, boolean dashed) {}

    private record Marker(String label, double x) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private boolean logX;
    private DoubleFunction<String> xTicks = SvgPlot::number;

    private SvgPlot(String title, String xLabel, String yLabel, List<String> categories) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.categories = categories;
    }

    /** A line chart over numeric x. */
    public static SvgPlot lines(String title, String xLabel, String yLabel) {
        return new SvgPlot(title, xLabel, yLabel, null);
    }

    /** A bar chart: each series has one value per category, bars grouped by category. */
    public static SvgPlot bars(String title, List<String> categories, String yLabel) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category");
        }
        return new SvgPlot(title, "", yLabel, List.copyOf(categories));
    }

    /** Logarithmic x (base 2 ticks), for sweeps over sizes. Line charts only; every x must be &gt; 0. */
    public SvgPlot logX() {
        this.logX = true;
        return this;
    }

    /** How x ticks are written, e.g. sizes as {@code 64KiB}. */
    public SvgPlot xTickFormat(DoubleFunction<String> format) {
        this.xTicks = format;
        return this;
    }

    /** A solid series with points; for a bar chart {@code xs} is ignored and may be null. */
    public SvgPlot series(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs == null ? null : xs.clone(), ys.clone(), false));
    }

    /** A dashed line without points: an expectation or a limit to compare against. */
    public SvgPlot reference(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs.clone(), ys.clone(), true));
    }

    /** A vertical dotted line at {@code x}, labelled. */
    public SvgPlot markX(String label, double x) {
        if (categories != null) {
            throw new IllegalStateException("markers are for line charts");
        }
        markers.add(new Marker(label, x));
        return this;
    }

    private SvgPlot add(Series added) {
        if (categories != null && added.ys().length != categories.size()) {
            throw new IllegalArgumentException("series '" + added.name() + "' has " + added.ys().length
                + " values for " + categories.size() + " categories");
        }
        if (categories == null && (added.xs() == null || added.xs().length != added.ys().length)) {
            throw new IllegalArgumentException("series '" + added.name() + "' needs as many x as y values");
        }
        series.add(added);
        return this;
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /** The chart as a standalone SVG document. */
    public String render() {
        final StringBuilder svg = new StringBuilder(8192);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
            .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
            .append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
            .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, WIDTH / 2.0, 22, "middle", "font-size=\"15\" font-weight=\"bold\"", title);
        final double yMax = niceCeiling(maxY());
        final double plotWidth = WIDTH - LEFT - RIGHT;
        final double plotHeight = HEIGHT - TOP - BOTTOM;
        // y axis, grid and ticks
        final double yStep = yMax / 5;
        for (int i = 0; i <= 5; i++) {
            final double y = TOP + plotHeight - plotHeight * i / 5;
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, y, LEFT + plotWidth, y));
            text(svg, LEFT - 6, y + 4, "end", "", number(yStep * i));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>\n",
            LEFT, TOP, LEFT, TOP + plotHeight));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
            LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 18 %.1f)\">%s</text>\n", TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel)));
        text(svg, LEFT + plotWidth / 2, HEIGHT - 14, "middle", "", xLabel);
        if (categories != null) {
            renderBars(svg, yMax, plotWidth, plotHeight);
        } else {
            renderLines(svg, yMax, plotWidth, plotHeight);
        }
        // legend
        for (int i = 0; i < series.size(); i++) {
            final double y = TOP + 10 + i * 20;
            final double x = WIDTH - RIGHT + 16;
            final String colour = COLOURS[i % COLOURS.length];
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"3\"%s/>\n", x, y, x + 22, y, colour,
                series.get(i).dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            text(svg, x + 28, y + 4, "start", "", series.get(i).name());
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void renderLines(StringBuilder svg, double yMax, double plotWidth, double plotHeight) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double x : s.xs()) {
                if (Double.isFinite(x) && (!logX || x > 0)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        for (Marker marker : markers) {
            if (Double.isFinite(marker.x()) && (!logX || marker.x() > 0)) {
                lo = Math.min(lo, marker.x());
                hi = Math.max(hi, marker.x());
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            lo = 0;
            hi = 1;
        }
        if (!logX && lo > 0) {
            lo = 0;
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        final Axis axis = new Axis(lo, hi, logX, plotWidth);
        // x ticks: powers of two on a log axis, five steps on a linear one
        final List<Double> ticks = new ArrayList<>();
        if (logX) {
            final int first = (int) Math.floor(Math.log(lo) / Math.log(2));
            final int last = (int) Math.ceil(Math.log(hi) / Math.log(2));
            final int every = Math.max(1, (last - first + 1) / 10 + 1);
            for (int e = first; e <= last; e += every) {
                ticks.add(Math.pow(2, e));
            }
        } else {
            final double step = niceCeiling((hi - lo) / 5);
            for (double x = Math.ceil(lo / step) * step; x <= hi + step * 1e-9; x += step) {
                ticks.add(x);
            }
        }
        for (double x : ticks) {
            final double px = LEFT + axis.position(x);
            if (px < LEFT - 0.5 || px > LEFT + plotWidth + 0.5) {
                continue;
            }
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"black\"/>\n", px, TOP + plotHeight, px, TOP + plotHeight + 5));
            text(svg, px, TOP + plotHeight + 18, "middle", "", xTicks.apply(x));
        }
        for (int i = 0; i < series.size(); i++) {
            final Series s = series.get(i);
            final String colour = COLOURS[i % COLOURS.length];
            final StringBuilder points = new StringBuilder();
            final List<double[]> dots = new ArrayList<>();
            for (int p = 0; p < s.xs().length; p++) {
                final double x = s.xs()[p];
                final double y = s.ys()[p];
                if (!Double.isFinite(x) || !Double.isFinite(y) || (logX && x <= 0)) {
                    continue;
                }
                final double px = LEFT + axis.position(x);
                final double py = TOP + plotHeight - plotHeight * Math.min(y, yMax) / yMax;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.add(new double[] {px, py});
            }
            if (points.length() == 0) {
                continue;
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                .append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "").append(" points=\"")
                .append(points.toString().strip()).append("\"/>\n");
            if (!s.dashed()) {
                for (double[] dot : dots) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        dot[0], dot[1], colour));
                }
            }
        }
        for (Marker marker : markers) {
            if (!Double.isFinite(marker.x()) || (logX && marker.x() <= 0)) {
                continue;
            }
            final double px = LEFT + axis.position(marker.x());
            svg.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"black\" stroke-dasharray=\"2 3\"/>\n", px, TOP, px, TOP + plotHeight));
            text(svg, px + 4, TOP + 12, "start", "", marker.label());
        }
    }

    private void renderBars(StringBuilder svg, double yMax, double plotWidth, double plotHeight) {
        final double group = plotWidth / categories.size();
        final double bar = group * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < categories.size(); c++) {
            final double groupLeft = LEFT + group * c + group * 0.1;
            text(svg, LEFT + group * c + group / 2, TOP + plotHeight + 18, "middle", "", categories.get(c));
            for (int i = 0; i < series.size(); i++) {
                final double value = series.get(i).ys()[c];
                if (!Double.isFinite(value)) {
                    continue;
                }
                final double height = plotHeight * Math.max(0, Math.min(value, yMax)) / yMax;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"%s\"%s/>\n", groupLeft + bar * i, TOP + plotHeight - height, bar * 0.95, height,
                    COLOURS[i % COLOURS.length], series.get(i).dashed() ? " fill-opacity=\"0.4\"" : ""));
            }
        }
    }

    private double maxY() {
        double max = 0;
        for (Series s : series) {
            for (double y : s.ys()) {
                if (Double.isFinite(y)) {
                    max = Math.max(max, y);
                }
            }
        }
        return max > 0 ? max : 1;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code value}. */
    static double niceCeiling(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            return 1;
        }
        final double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value * (1 - 1e-12)) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** Ticks without noise: {@code 3}, {@code 2.5}, {@code 1.2e+09} only when huge. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return Long.toString((long) value);
        }
        if (Math.abs(value) >= 1e9) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        return Table.format(value);
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String text) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n", x, y,
            anchor, attributes.isEmpty() ? "" : " " + attributes, escape(text)));
    }

    static String escape(String text) {
        final StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c < 0x20 ? ' ' : c);
            }
        }
        return escaped.toString();
    }

    /** Maps x to pixels from the plot's left edge. */
    private record Axis(double lo, double hi, boolean log, double width) {
        double position(double x) {
            if (log) {
                return width * (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
            }
            return width * (x - lo) / (hi - lo);
        }
    }
}
