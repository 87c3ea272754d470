/**
 * TCP devices over blocking NIO socket channels: {@code tcp-sink} ({@link io.flowswitch.devices.tcp.TcpSinkKind})
 * sends a flow over a connection it opens; {@code tcp-source} ({@link io.flowswitch.devices.tcp.TcpSourceKind})
 * reads one accepted or opened connection. Their calls block, so their stages run on the blocking-I/O
 * dispatcher.
 */
package io.flowswitch.devices.tcp;
