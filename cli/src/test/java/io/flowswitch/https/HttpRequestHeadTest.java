package io.flowswitch.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HttpRequestHeadTest {
    private static HttpRequestHead parse(String text) throws HttpRequestHead.BadRequest {
        final byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequestHead.parse(bytes, bytes.length);
    }

    @Test
    void getWithFieldsIsParsedAndKeepsTheConnection() throws Exception {
        final HttpRequestHead head = parse("GET /a%20b?x=1 HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-9\r\n"
            + "Accept: a\r\naccept: b\r\n\r\n");
        assertEquals("GET", head.method());
        assertEquals("/a%20b?x=1", head.target());
        assertEquals("bytes=0-9", head.header("Range"));
        assertEquals("a, b", head.header("accept"));
        assertTrue(head.keepAlive());
    }

    @Test
    void connectionFieldDecidesKeepAlive() throws Exception {
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1\\r\\n\\r\\n| 400",
        "GET /  HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n| 400",
        "GET / HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n| 505",
        "GET / HTTQ/1.1\\r\\nHost: h\\r\\n\\r\\n| 400",
        "GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n| 400",
        "GET / HTTP/1.1\\r\\nHost: h\\r\\n folded\\r\\n\\r\\n| 400",
        "GET / HTTP/1.1\\r\\nHost: h\\rX: y\\r\\n\\r\\n| 400",
        "GET / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n| 400",
        "G(T / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n| 400",
        "GET / HTTP/1.1\\r\\nHost: h\\r\\n| 400"})
    void malformedHeadsAreRefusedWithTheirStatus(String text, int status) {
        final HttpRequestHead.BadRequest e = assertThrows(HttpRequestHead.BadRequest.class,
            () -> parse(text.replace("\\r", "\r").replace("\\n", "\n")));
        assertEquals(status, e.status(), e.getMessage());
    }
}
