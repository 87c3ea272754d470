package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections an application hands to flows, by name: the signalling half of a linked socket. The
 * application accepts or opens a {@link TlsConnection} (it decides who may connect and what is asked), {@link
 * #register}s it and names it in a flow's {@code tls-sink} or {@code tls-source} stage ({@code connection =
 * NAME}); the stage then moves the bytes. Names are random, so one flow cannot guess another's connection.
 *
 * <p>Ownership: registering does not pass ownership; the application still owns the connection and
 * {@link #unregister}s it when done. A stage borrows a registered connection for the life of its flow
 * ({@link #borrow}), one stage per direction at a time, and gives it back on close.
 *
 * <p>One registry per JVM, shared by every node in it. Thread-safe.
 */
public final class TlsEndpoints {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();

    private TlsEndpoints() {
    }

    /** Registers {@code connection} and returns its new name, e.g. {@code tls-3f9c...}. */
    public static String register(TlsConnection connection) {
        final byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        final String name = "tls-" + HexFormat.of().formatHex(id);
        ENTRIES.put(name, new Entry(connection));
        return name;
    }

    /** Forgets the name; a stage that still borrows the connection keeps it until its flow ends. */
    public static void unregister(String name) {
        ENTRIES.remove(name);
    }

    /** Connections registered now (for leak checks in tests and the server's usage). */
    public static int registered() {
        return ENTRIES.size();
    }

    /** Connections borrowed by a stage now, in either direction. */
    public static int borrowed() {
        int count = 0;
        for (Entry entry : ENTRIES.values()) {
            synchronized (entry) {
                count += (entry.writer ? 1 : 0) + (entry.reader ? 1 : 0);
            }
        }
        return count;
    }

    /** Whether {@code name} is registered (validation: no borrowing). */
    static boolean isRegistered(String name) {
        return ENTRIES.containsKey(name);
    }

    /**
     * Lends the connection named {@code name} to one stage for one direction.
     *
     * @throws DeviceException {@code NO_CONNECTION} when no connection has that name, or that direction is
     *     already lent
     */
    static TlsConnection borrow(String stage, String name, boolean writer) {
        final Entry entry = ENTRIES.get(name);
        if (entry == null) {
            throw new DeviceException(TlsErrors.NO_CONNECTION, stage + ": no TLS connection is registered as '"
                + name + "' (the application registers one with TlsEndpoints.register)");
        }
        synchronized (entry) {
            if (writer ? entry.writer : entry.reader) {
                throw new DeviceException(TlsErrors.NO_CONNECTION, stage + ": the TLS connection '" + name
                    + "' is already " + (writer ? "written" : "read") + " by another flow");
            }
            if (writer) {
                entry.writer = true;
            } else {
                entry.reader = true;
            }
        }
        return entry.connection;
    }

    /** Ends a stage's loan. */
    static void giveBack(String name, boolean writer) {
        final Entry entry = ENTRIES.get(name);
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            if (writer) {
                entry.writer = false;
            } else {
                entry.reader = false;
            }
        }
    }

    private static final class Entry {
        final TlsConnection connection;
        boolean writer;
        boolean reader;

        Entry(TlsConnection connection) {
            this.connection = connection;
        }
    }
}
