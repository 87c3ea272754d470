package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows an experiment measured, written as CSV (RFC 4180: comma-separated, a header line, fields with
 * commas, quotes or line breaks quoted, quotes doubled, CRLF-free so that {@code column} and spreadsheets
 * both read it). Whole numbers are written exactly, others in plain notation with six significant digits. Not
 * thread-safe: one experiment fills it from one thread.
 */
public final class Table {
    private static final MathContext SIGNIFICANT = new MathContext(6);

    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.columns = List.of(columns);
    }

    /** Adds a row: one value per column, numbers, strings or booleans. */
    public Table row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + values.length + " values for " + columns.size()
                + " columns " + columns);
        }
        final List<String> row = new ArrayList<>(values.length);
        for (Object value : values) {
            row.add(format(value));
        }
        rows.add(List.copyOf(row));
        return this;
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return rows.size();
    }

    /** The text of one cell, as written. */
    public String cell(int row, int column) {
        return rows.get(row).get(column);
    }

    /** The whole table as CSV, one line per row after the header, each ending in {@code \n}. */
    public String toCsv() {
        final StringBuilder csv = new StringBuilder();
        line(csv, columns);
        rows.forEach(row -> line(csv, row));
        return csv.toString();
    }

    public void writeCsv(Path file) throws IOException {
        Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
    }

    /** {@code 1234.5678} as {@code 1234.57}, {@code 3.0} as {@code 3}; non-finite doubles as empty cells. */
    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            final double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                return "";
            }
            if (number == Math.rint(number) && Math.abs(number) < 1e15) {
                return Long.toString((long) number);
            }
            return new BigDecimal(number).round(SIGNIFICANT).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    private static void line(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(quote(fields.get(i)));
        }
        csv.append('\n');
    }

    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
