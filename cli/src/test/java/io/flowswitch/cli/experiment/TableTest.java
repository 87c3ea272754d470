package io.flowswitch.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void writesHeaderAndRowsWithNumbersInPlainNotation() {
        final Table table = new Table("k", "rate", "note").row(1, 33554432.0, "ok").row(2, 1234.5678, null)
            .row(3, Double.NaN, "x");
        assertEquals("k,rate,note\n1,33554432,ok\n2,1234.57,\n3,,x\n", table.toCsv());
        assertEquals(3, table.size());
        assertEquals("1234.57", table.cell(1, 1));
    }

    @Test
    void quotesFieldsWithCommasQuotesAndLineBreaks() {
        final Table table = new Table("a,b", "c").row("say \"hi\"", "two\nlines");
        assertEquals("\"a,b\",c\n\"say \"\"hi\"\"\",\"two\nlines\"\n", table.toCsv());
    }

    @Test
    void smallNumbersKeepSixSignificantDigits() {
        assertEquals("0.000123457", Table.format(0.000123456789));
        assertEquals("-2.5", Table.format(-2.5));
        assertEquals("7", Table.format(7L));
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        final Table table = new Table("a", "b");
        assertEquals("a row of 1 values for 2 columns [a, b]",
            assertThrows(IllegalArgumentException.class, () -> table.row(1)).getMessage());
    }
}
