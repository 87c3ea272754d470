/**
 * TLS 1.3 devices: a crypto context linked to a socket. {@link io.flowswitch.devices.tls.TlsConnection} is
 * the JDK's {@code SSLEngine} over one TCP socket; {@code tls-sink} ({@link io.flowswitch.devices.tls.TlsSinkKind})
 * encrypts a flow into records and sends them, {@code tls-source} ({@link io.flowswitch.devices.tls.TlsSourceKind})
 * receives, authenticates and decrypts. The application owns the connection and hands it to flows by name
 * ({@link io.flowswitch.devices.tls.TlsEndpoints}); {@link io.flowswitch.devices.tls.TlsContexts} makes or
 * reads keys and certificates.
 */
package io.flowswitch.devices.tls;
