package io.flowswitch.devices.fault;

import io.flowswitch.devices.DeviceException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault to inject into one stage of a flow, as the stage parameter {@code fault} writes it:
 * {@code TYPE[@CHUNK][xTIMES][:DURATION]} (for {@code mtu-change}, {@code TYPE@CHUNK:BYTES}), e.g. {@code transient@3}, {@code transient@3x2},
 * {@code permanent@5}, {@code crash@2}, {@code actor-crash@2}, {@code corrupt@1}, {@code stall@4}, {@code slow:2ms},
 * {@code peer-reset@3}, {@code sink-full@2}, {@code mtu-change@3:576}. Immutable.
 *
 * @param type       what goes wrong
 * @param atChunk    the chunk (by sequence number; for a source, the read) where it first goes wrong
 * @param times      for a fault that clears: how often it fires before it does (at least 1)
 * @param durationNs for {@code slow}: the delay per chunk; for the others 0
 * @param mtuBytes   for {@code mtu-change}: the path MTU from that chunk on; for the others 0
 */
public record Fault(Type type, long atChunk, int times, long durationNs, int mtuBytes) {
    /** The stage parameter that carries a fault; never passed on to the device. */
    public static final String PARAMETER = "fault";
    public static final int MAX_TIMES = 1000;
    public static final long MAX_DURATION_NS = 10_000_000_000L;

    private static final Pattern FORM = Pattern.compile(
        "([a-z-]+)(?:@(\\d{1,12}))?(?:x(\\d{1,4}))?(?::(\\d{1,10})(us|ms|s|b)?)?");

    /**
     * What goes wrong, and whether it clears by itself. "The stage's first instance" is, in lanes and in a
     * balanced stage (where no instance is first in the stream), the lane or replica that first meets a chunk
     * at or past n ({@link FaultState#strikesInstance}).
     */
    public enum Type {
        /** Chunk n fails {@code times} times (on whichever instance), then works: a retry recovers. */
        TRANSIENT("transient", true),
        /** The stage's first instance fails from chunk n on, also after a restart: redirect or software path. */
        PERMANENT("permanent", false),
        /** The stage's first instance dies at chunk n and stays dead: as permanent, with code CRASHED. */
        CRASH("crash", false),
        /**
         * The device actor of the stage's first instance crashes at chunk n: the device goes silent and the
         * flow's supervisor, which watches the actors it leased, sees the actor die. Without a node (no
         * actors) the device fails at once with code ACTOR_CRASHED.
         */
        ACTOR_CRASH("actor-crash", false),
        /** One byte of chunk n's output is flipped, once: the next integrity check must catch it. */
        CORRUPT("corrupt", true),
        /** Chunk n is taken and never given back, once: the stage's progress timeout must catch it. */
        STALL("stall", true),
        /** The first instance takes {@code durationNs} longer for each chunk from n on: data stays right. */
        SLOW("slow", false),
        /** A sink's peer resets the connection at chunk n: every later write fails. */
        PEER_RESET("peer-reset", false),
        /** A sink finds no room for chunk n, {@code times} times, then finds room again. */
        SINK_FULL("sink-full", true),
        /**
         * The path MTU under a framer drops to {@code mtuBytes} at chunk n (an external event, device code
         * {@code MTU_CHANGED}): the flow's rules for {@code mtu-change} say what the framer does. Every
         * instance of the stage meets it at the same chunk: it is the path's, not a device's.
         */
        MTU_CHANGE("mtu-change", false);

        private final String text;
        private final boolean clears;

        Type(String text, boolean clears) {
            this.text = text;
            this.clears = clears;
        }

        public String text() {
            return text;
        }

        /** Whether the fault fires a bounded number of times and then clears (a transient fault). */
        public boolean clears() {
            return clears;
        }

        static Type of(String text) {
            for (Type type : values()) {
                if (type.text.equals(text)) {
                    return type;
                }
            }
            return null;
        }
    }

    public Fault(Type type, long atChunk, int times, long durationNs) {
        this(type, atChunk, times, durationNs, 0);
    }

    public Fault {
        Objects.requireNonNull(type, "type");
        if (mtuBytes < 0) {
            throw new IllegalArgumentException("an MTU must be positive, got " + mtuBytes);
        }
        if (atChunk < 0) {
            throw new IllegalArgumentException("a fault's chunk must be >= 0, got " + atChunk);
        }
        if (times < 1 || times > MAX_TIMES) {
            throw new IllegalArgumentException("a fault fires 1 to " + MAX_TIMES + " times, got " + times);
        }
        if (durationNs < 0 || durationNs > MAX_DURATION_NS) {
            throw new IllegalArgumentException("a fault's duration must be within 0 and 10s, got " + durationNs + "ns");
        }
    }

    public static Fault of(Type type, long atChunk) {
        return new Fault(type, atChunk, 1, 0);
    }

    /**
     * Reads the text form.
     *
     * @param stage the stage, for the message
     * @throws DeviceException {@code BAD_PARAMETER} naming the stage, the parameter and the forms allowed
     */
    public static Fault parse(String text, String stage) {
        final Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        final Type type = m.matches() ? Type.of(m.group(1)) : null;
        if (type == null) {
            throw bad(stage, text, "is not a fault");
        }
        final long at = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        final int times = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        long durationNs = 0;
        int mtuBytes = 0;
        if (type == Type.MTU_CHANGE) {
            if (m.group(4) == null || !(m.group(5) == null || m.group(5).equals("b"))
                || Long.parseLong(m.group(4)) < 1 || Long.parseLong(m.group(4)) > Integer.MAX_VALUE) {
                throw bad(stage, text, "needs the new MTU in bytes, e.g. mtu-change@3:576");
            }
            mtuBytes = (int) Long.parseLong(m.group(4));
        } else if (m.group(5) == null && m.group(4) != null || "b".equals(m.group(5))) {
            throw bad(stage, text, "takes no size (only mtu-change does)");
        } else if (m.group(4) != null) {
            final long value = Long.parseLong(m.group(4));
            durationNs = value * switch (m.group(5)) {
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                default -> 1_000_000_000L;
            };
        }
        if (type == Type.SLOW && durationNs == 0) {
            throw bad(stage, text, "needs a delay per chunk, e.g. slow:2ms");
        }
        if (type != Type.SLOW && durationNs != 0) {
            throw bad(stage, text, "takes no duration (only slow does)");
        }
        if (times > 1 && !type.clears()) {
            throw bad(stage, text, "does not clear, so it takes no count (only transient, corrupt, stall, sink-full do)");
        }
        try {
            return new Fault(type, at, times, durationNs, mtuBytes);
        } catch (IllegalArgumentException e) {
            throw bad(stage, text, e.getMessage());
        }
    }

    /** The text form, as {@link #parse} reads it. */
    public String text() {
        return type.text + "@" + atChunk + (times > 1 ? "x" + times : "") + (mtuBytes > 0 ? ":" + mtuBytes : "")
            + (durationNs > 0 ? ":" + (durationNs % 1_000_000 == 0 ? durationNs / 1_000_000 + "ms" : durationNs / 1_000 + "us")
                : "");
    }

    /** Whether this fault is for sinks only ({@code peer-reset}, {@code sink-full}). */
    public boolean sinkOnly() {
        return type == Type.PEER_RESET || type == Type.SINK_FULL;
    }

    private static DeviceException bad(String stage, String text, String problem) {
        return new DeviceException("BAD_PARAMETER", stage + ": parameter '" + PARAMETER + "' value '" + text + "' "
            + problem + "; write TYPE[@CHUNK][xTIMES][:DURATION] with TYPE one of transient, permanent, crash, actor-crash,"
            + " corrupt, stall, slow, peer-reset, sink-full, mtu-change (e.g. transient@3, slow:2ms, mtu-change@3:576)");
    }

    @Override
    public String toString() {
        return text();
    }
}
