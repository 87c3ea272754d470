package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeParserTest {
    @Test
    void plainNumbersAreBytes() {
        assertEquals(4096, SizeParser.parse("4096"));
        assertEquals(0, SizeParser.parse("0"));
        assertEquals(512, SizeParser.parse("512B"));
    }

    @Test
    void binaryUnitsMultiplyBy1024() {
        assertEquals(64 * 1024, SizeParser.parse("64KiB"));
        assertEquals(1024 * 1024, SizeParser.parse("1MiB"));
        assertEquals(256L * 1024 * 1024, SizeParser.parse("256MiB"));
        assertEquals(1L << 30, SizeParser.parse("1GiB"));
        assertEquals(2L << 40, SizeParser.parse("2TiB"));
    }

    @Test
    void shortUnitsCaseAndSpacesAreAccepted() {
        assertEquals(64 * 1024, SizeParser.parse("64K"));
        assertEquals(64 * 1024, SizeParser.parse("64kib"));
        assertEquals(3L << 20, SizeParser.parse(" 3 MiB "));
        assertEquals(1L << 30, SizeParser.parse("1g"));
    }

    @Test
    void garbageIsRefusedWithTheTextAndExamples() {
        for (String text : new String[] {"abc", "-1", "1.5GiB", "MiB", "12XB", "0x10", "1 2"}) {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SizeParser.parse(text), text);
            assertTrue(error.getMessage().contains("'" + text + "'"), error.getMessage());
            assertTrue(error.getMessage().contains("64KiB"), error.getMessage());
        }
    }

    @Test
    void emptyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(""));
        assertThrows(IllegalArgumentException.class, () -> SizeParser.parse("  "));
        assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(null));
    }

    @Test
    void decimalUnitsAreRefusedAsAmbiguous() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> SizeParser.parse("64KB"));
        assertTrue(error.getMessage().contains("write 64KiB"), error.getMessage());
        assertTrue(error.getMessage().contains("ambiguous"), error.getMessage());
    }

    @Test
    void overflowIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SizeParser.parse("99999999999999999999"))
            .getMessage().contains("too large"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SizeParser.parse("9000000TiB"))
            .getMessage().contains("too large"));
        assertEquals(Long.MAX_VALUE, SizeParser.parse(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void formatReadsBack() {
        for (long size : new long[] {0, 1000, 1024, 4096, 65536, 1 << 20, 3L << 30, 1500}) {
            assertEquals(size, SizeParser.parse(SizeParser.format(size)), SizeParser.format(size));
        }
        assertEquals("64KiB", SizeParser.format(65536));
        assertEquals("1000", SizeParser.format(1000));
    }
}
