package io.flowswitch.javadsl;

import io.flowswitch.flow.StageSpec;
import java.nio.file.Path;

/** Typed shortcuts for the built-in device kinds, producing the same {@link StageSpec} a program would. */
public final class Devices {
    private Devices() {
    }

    public static StageSpec file(Path path) {
        return StageSpec.of("file-source", "path", path.toString());
    }

    public static StageSpec fileSink(Path path) {
        return StageSpec.of("file-sink", "path", path.toString());
    }

    /** A TCP source that accepts one connection on {@code port} of the loopback interface. */
    public static StageSpec tcpListen(int port) {
        return StageSpec.of("tcp-source", "listen-port", Integer.toString(port));
    }

    public static StageSpec tcpSink(String host, int port) {
        return StageSpec.of("tcp-sink", "host", host, "port", Integer.toString(port));
    }

    /** AES-256-GCM encryption with the key the flow holds under {@code keyName}. */
    public static StageSpec aesGcmEncrypt(String keyName) {
        return StageSpec.of("aes-gcm-encrypt", "key", keyName);
    }

    public static StageSpec aesGcmDecrypt(String keyName) {
        return StageSpec.of("aes-gcm-decrypt", "key", keyName);
    }

    public static StageSpec sha256() {
        return StageSpec.of("sha256");
    }

    public static StageSpec crc32c() {
        return StageSpec.of("crc32c");
    }

    public static StageSpec gzip(int level) {
        return StageSpec.of("gzip", "level", Integer.toString(level));
    }

    public static StageSpec gunzip() {
        return StageSpec.of("gunzip");
    }

    /** A modelled accelerator: passes data through at most at {@code bytesPerSecond}, each chunk delayed by {@code latencyUs}. */
    public static StageSpec rateLimit(long bytesPerSecond, long latencyUs) {
        return StageSpec.of("rate-limit", "rate-bytes-per-second", Long.toString(bytesPerSecond),
            "latency-us", Long.toString(latencyUs));
    }

    /** A sink that reports the SHA-256 of what it took; the branch of a {@link #tee}. */
    public static StageSpec sha256Sink() {
        return StageSpec.of("sha256-sink");
    }

    /** A tee: the stream goes on unchanged, and a copy goes to {@code branch}, a sink (FML {@code tee KIND(...)}). */
    public static StageSpec tee(StageSpec branch) {
        final java.util.Map<String, String> params = new java.util.TreeMap<>();
        params.put("to", branch.kind());
        branch.params().forEach((name, value) -> params.put("to." + name, value));
        return new StageSpec("tee", params, 1);
    }

    /**
     * A framer programmed with a header program in the postfix form {@code frame} devices compile, e.g.
     * {@code length:u32=length;seq:u64=sequence;crc:u32=crc32c} (FML {@code header { ... }}).
     */
    public static StageSpec frame(String program) {
        return StageSpec.of("frame", "program", program);
    }

    /** As {@link #frame(String)}, with records (header included) never longer than {@code mtuBytes}. */
    public static StageSpec frame(String program, int mtuBytes) {
        return StageSpec.of("frame", "program", program, "mtu", Integer.toString(mtuBytes));
    }

    /** The receiving side of {@link #frame}: checks and strips the headers (FML {@code header check { ... }}). */
    public static StageSpec deframe(String program) {
        return StageSpec.of("deframe", "program", program);
    }

    /**
     * {@code device}, a transform that can leave a range untouched, with payload bytes {@code from}
     * (inclusive) to {@code to} (exclusive) of each chunk marked so (FML {@code via KIND(...) pass A..B}).
     */
    public static StageSpec pass(StageSpec device, int from, int to) {
        final java.util.Map<String, String> params = new java.util.TreeMap<>();
        params.put("device", device.kind());
        params.put("from", Integer.toString(from));
        params.put("to", Integer.toString(to));
        device.params().forEach((name, value) -> params.put("device." + name, value));
        return new StageSpec("pass", params, device.replicas());
    }

    /** Takes the {@code headerBytes}-byte header part off each chunk for the {@link #join} of {@code pair}. */
    public static StageSpec split(int headerBytes, String pair) {
        return StageSpec.of("split", "header-bytes", Integer.toString(headerBytes), "pair", pair);
    }

    /** Puts the header part the {@link #split} of {@code pair} kept back in front of each chunk. */
    public static StageSpec join(int headerBytes, String pair) {
        return StageSpec.of("join", "header-bytes", Integer.toString(headerBytes), "pair", pair);
    }
}
