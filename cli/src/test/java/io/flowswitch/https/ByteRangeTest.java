package io.flowswitch.https;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {
    /** Header, file size, then start, length, partial, satisfiable. */
    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null          | 100 | 0  | 100 | false | true",
        "bytes=0-9     | 100 | 0  | 10  | true  | true",
        "bytes=90-     | 100 | 90 | 10  | true  | true",
        "bytes=90-1000 | 100 | 90 | 10  | true  | true",
        "bytes=-10     | 100 | 90 | 10  | true  | true",
        "bytes=-1000   | 100 | 0  | 100 | true  | true",
        "bytes=100-    | 100 | 0  | 0   | false | false",
        "bytes=-0      | 100 | 0  | 0   | false | false",
        "bytes=0-      | 0   | 0  | 0   | false | false",
        "bytes=9-0     | 100 | 0  | 100 | false | true",
        "bytes=0-1,5-6 | 100 | 0  | 100 | false | true",
        "items=0-9     | 100 | 0  | 100 | false | true",
        "bytes=a-9     | 100 | 0  | 100 | false | true",
        "bytes=99999999999999999999- | 100 | 0 | 100 | false | true"})
    void rangeIsInterpretedAsRfc9110Says(String header, long size, long start, long length, boolean partial,
        boolean satisfiable) {
        assertEquals(new ByteRange(start, length, partial, satisfiable), ByteRange.of(header, size));
    }
}
