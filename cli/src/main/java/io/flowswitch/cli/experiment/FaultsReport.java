package io.flowswitch.cli.experiment;

import java.util.List;
import java.util.Locale;

/** The HTML report of {@link FaultsExperiment}: the matrix as a table and its recovery times as an SVG chart. */
final class FaultsReport {
    private static final int BAR_HEIGHT = 14;
    private static final int LABEL_WIDTH = 330;
    private static final int CHART_WIDTH = 420;

    private FaultsReport() {
    }

    static String html(List<FaultsExperiment.Cell> cells, int sizeMib, int chunkKib, int runs) {
        final StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>flowswitch: faults experiment</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
            .append("td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l{text-align:left}")
            .append(".bad{background:#fdd}</style></head><body>\n")
            .append("<h1>Faults experiment</h1>\n<p>")
            .append(String.format(Locale.ROOT, "%d MiB per flow, %d KiB chunks, %d runs per cell; the fault is"
                + " injected at the middle chunk. Time to recover: the longest the stage's output stood still.",
                sizeMib, chunkKib, runs))
            .append("</p>\n");
        chart(sb, cells);
        sb.append("<table><tr><th>device</th><th>fault</th><th>policy</th><th>ok</th><th>identical</th>")
            .append("<th>recover p50 ms</th><th>recover p99 ms</th><th>MB/s before</th><th>during</th><th>after</th>")
            .append("<th>baseline</th><th>bytes verified</th><th>steps</th></tr>\n");
        for (FaultsExperiment.Cell c : cells) {
            final boolean bad = c.identical() < c.runs();
            sb.append(bad ? "<tr class=\"bad\">" : "<tr>")
                .append(String.format(Locale.ROOT, "<td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s"
                        + "</td><td>%d/%d</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.0f</td><td>%.0f</td><td>%.0f"
                        + "</td><td>%.0f</td><td>%d</td><td class=\"l\">%s</td></tr>\n",
                    escape(c.device()), escape(c.fault()), escape(c.policy()), c.succeeded(), c.runs(), c.identical(),
                    c.recoverP50Ms(), c.recoverP99Ms(), c.beforeBps() / 1e6, c.duringBps() / 1e6, c.afterBps() / 1e6,
                    c.baselineBps() / 1e6, c.bytesVerified(), escape(c.steps())));
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    private static void chart(StringBuilder sb, List<FaultsExperiment.Cell> cells) {
        final double max = Math.max(1, cells.stream().mapToDouble(FaultsExperiment.Cell::recoverP99Ms).max().orElse(1));
        final int height = (cells.size() + 2) * (BAR_HEIGHT + 4);
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
            + " font-size=\"11\">\n", LABEL_WIDTH + CHART_WIDTH + 80, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"12\">time to recover, ms (p50 dark, p99 light;"
            + " scale to %.1f ms)</text>\n", LABEL_WIDTH, max));
        int y = BAR_HEIGHT + 8;
        for (FaultsExperiment.Cell c : cells) {
            final double p99 = c.recoverP99Ms() / max * CHART_WIDTH;
            final double p50 = c.recoverP50Ms() / max * CHART_WIDTH;
            sb.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s / %s / %s%s</text>\n", y + BAR_HEIGHT - 3,
                escape(c.device()), escape(c.fault()), escape(c.policy()),
                c.identical() < c.runs() ? " (" + (c.runs() - c.identical()) + " not recovered)" : ""));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#9cc3e6\"/>"
                + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#2f6fa8\"/>", LABEL_WIDTH, y, p99,
                BAR_HEIGHT, LABEL_WIDTH, y, p50, BAR_HEIGHT));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f</text>\n", LABEL_WIDTH + p99 + 4,
                y + BAR_HEIGHT - 3, c.recoverP99Ms()));
            y += BAR_HEIGHT + 4;
        }
        sb.append("</svg>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
