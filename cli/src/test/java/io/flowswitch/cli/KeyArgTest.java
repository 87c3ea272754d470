package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyArgTest {
    private static final byte[] KEY = key();

    @TempDir
    Path dir;

    @Test
    void rawFileOf32BytesIsTheKey() throws IOException {
        final Path file = Files.write(dir.resolve("key.bin"), KEY);
        assertArrayEquals(KEY, KeyArg.parse("k1=" + file).load());
    }

    @Test
    void hexFileWithWhitespaceIsDecoded() throws IOException {
        final Path lower = Files.writeString(dir.resolve("lower.hex"), HexFormat.of().formatHex(KEY) + "\n");
        final Path upper = Files.writeString(dir.resolve("upper.hex"),
            "  " + HexFormat.of().withUpperCase().formatHex(KEY) + " \r\n");
        assertArrayEquals(KEY, KeyArg.parse("k=" + lower).load());
        assertArrayEquals(KEY, KeyArg.parse("k=" + upper).load());
    }

    @Test
    void wrongLengthNamesTheFileAndTheLengthFound() throws IOException {
        final Path shortRaw = Files.write(dir.resolve("short.bin"), new byte[31]);
        final CliException error = assertThrows(CliException.class, () -> KeyArg.parse("k1=" + shortRaw).load());
        assertEquals(ExitCodes.USAGE, error.exitCode());
        assertTrue(error.getMessage().contains(shortRaw.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("holds 31 bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("32 raw bytes or 64 hex characters"), error.getMessage());

        final Path shortHex = Files.writeString(dir.resolve("short.hex"), "abcd\n");
        final String message = assertThrows(CliException.class, () -> KeyArg.parse("k1=" + shortHex).load())
            .getMessage();
        assertTrue(message.contains("holds 5 bytes (4 without whitespace)"), message);
    }

    @Test
    void sixtyFourCharactersThatAreNotHexAreRefused() throws IOException {
        final Path file = Files.writeString(dir.resolve("bad.hex"), "zz".repeat(32), StandardCharsets.US_ASCII);
        final String message = assertThrows(CliException.class, () -> KeyArg.parse("k1=" + file).load()).getMessage();
        assertTrue(message.contains("not all hex digits"), message);
    }

    @Test
    void missingFileIsNamed() {
        final Path file = dir.resolve("absent.bin");
        final String message = assertThrows(CliException.class, () -> KeyArg.parse("k1=" + file).load()).getMessage();
        assertEquals("key file '" + file + "' (key 'k1') does not exist", message);
    }

    @Test
    void malformedArgumentsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyArg.parse("key.bin")).getMessage()
            .contains("NAME=FILE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyArg.parse("=key.bin")).getMessage()
            .contains("key name is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyArg.parse("k1=")).getMessage()
            .contains("key file is missing"));
    }

    private static byte[] key() {
        final byte[] key = new byte[KeyArg.KEY_BYTES];
        IntStream.range(0, key.length).forEach(i -> key[i] = (byte) (i * 7 + 1));
        return key;
    }
}
