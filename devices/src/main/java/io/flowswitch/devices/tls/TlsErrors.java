package io.flowswitch.devices.tls;

/** Stable error codes of the TLS devices and connections. */
final class TlsErrors {
    static final String HANDSHAKE_FAILED = "HANDSHAKE_FAILED";
    static final String AUTH_FAILED = "AUTH_FAILED";
    static final String TRUNCATED = "TRUNCATED";
    static final String TIMEOUT = "TIMEOUT";
    static final String PEER_RESET = "PEER_RESET";
    static final String CLOSED = "CLOSED";
    static final String IO = "IO";
    static final String NO_CONNECTION = "NO_CONNECTION";
    static final String CERTIFICATE = "CERTIFICATE";

    private TlsErrors() {
    }
}
