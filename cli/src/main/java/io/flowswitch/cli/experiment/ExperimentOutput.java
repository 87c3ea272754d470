package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where one experiment's results go, and what it prints: CSV and SVG files in the output directory, and a
 * summary on stdout (figures, then one line per target: met or missed). Not thread-safe.
 */
public final class ExperimentOutput {
    private final String experiment;
    private final Path directory;
    private final PrintWriter out;
    private final List<Path> written = new ArrayList<>();
    private int missed;

    ExperimentOutput(String experiment, Path directory, PrintWriter out) {
        this.experiment = experiment;
        this.directory = directory;
        this.out = out;
    }

    public Path directory() {
        return directory;
    }

    public PrintWriter out() {
        return out;
    }

    /** Writes {@code table} to {@code <out>/<name>.csv}. */
    public Path csv(String name, Table table) throws IOException {
        final Path file = directory.resolve(name + ".csv");
        table.writeCsv(file);
        written.add(file);
        return file;
    }

    /** Writes {@code plot} to {@code <out>/<name>.svg}. */
    public Path svg(String name, SvgPlot plot) throws IOException {
        final Path file = directory.resolve(name + ".svg");
        plot.write(file);
        written.add(file);
        return file;
    }

    /**
     * {@code <out>/<fileName>}, for a file the experiment writes itself (rows too many to hold as a
     * {@link Table}); the closing line lists it.
     */
    public Path file(String fileName) {
        final Path file = directory.resolve(fileName);
        written.add(file);
        return file;
    }

    /** Writes {@code text} to {@code <out>/<fileName>} (a report in a form of its own, e.g. HTML). */
    public Path text(String fileName, String text) throws IOException {
        final Path file = directory.resolve(fileName);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        written.add(file);
        return file;
    }

    /** A progress or figure line, printed at once (experiments take seconds to minutes). */
    public void line(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }

    /** The first line: this experiment, the machine it runs on (cores, Java), then what this run does. */
    public void heading(String format, Object... args) {
        line("%s: %d cores, Java %s; %s", experiment, Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"), String.format(Locale.ROOT, format, args));
    }

    /**
     * One target: what was asked, what was measured, and whether it was met. A missed target does not
     * fail the command (figures on a shared machine are noisy); the summary says so.
     */
    public void target(String what, String measured, boolean met) {
        if (!met) {
            missed++;
        }
        line("  target %-52s %s  %s", what, measured, met ? "met" : "MISSED");
    }

    public int missedTargets() {
        return missed;
    }

    /** The closing lines: the files written. */
    void finish() {
        line("%s: %d target(s) missed; wrote %s", experiment, missed,
            written.isEmpty() ? "nothing" : String.join(", ", written.stream().map(Path::toString).toList()));
    }

    static Path prepare(Path directory) throws IOException {
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new IOException(directory + " is not writable");
        }
        return directory;
    }
}
