package io.flowswitch.devices.frame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A header program, compiled: a fixed list of typed fields, each with its expression compiled into
 * closures once (constants folded, operators chosen, field references resolved to slots), and its place
 * in the record header. Per record, a device only runs {@link #evaluate}: no parsing, no dispatch on the
 * kind of a node, no allocation.
 *
 * <p>The lowered form, as FML's planner writes it into the {@code program} parameter of a {@code frame}
 * or {@code deframe} device: fields separated by {@code ;}, each {@code NAME:TYPE=POSTFIX}, where TYPE is
 * {@code u8}, {@code u16}, {@code u32} or {@code u64} and POSTFIX is space-separated tokens in reverse
 * Polish order: unsigned decimal constants, the operands {@code length} (payload length),
 * {@code sequence} (the record's number in the framed stream, from 0), {@code offset} (the byte offset of
 * its payload in the stream), {@code flow-id}, {@code crc32c} (CRC-32C of the payload), {@code $NAME} (a
 * field above), and the operators {@code + - * & | << >>}. E.g.
 * {@code length:u32=length;seq:u64=sequence;crc:u32=crc32c}.
 *
 * <p>Arithmetic is on unsigned 64-bit values, wrapping; {@code >>} is logical, and a shift by 64 or more
 * gives 0. A field holds its value cut to its width, and that cut value is what later fields read.
 *
 * <p>Wire format: the fields in order, each in its width, big-endian (network order), nothing between
 * them; then the payload. Immutable and thread-safe.
 */
public final class HeaderProgram {
    /** As FML's verifier allows: at most 16 fields, 64 bytes, 64 tokens per expression. */
    public static final int MAX_FIELDS = 16;
    public static final int MAX_BYTES = 64;
    public static final int MAX_TOKENS = 64;

    /** A compiled expression. */
    interface Expr {
        long eval(RecordValues v);
    }

    /** One field: its name, width, place in the header, compiled expression and what it reads. */
    record Field(String name, int widthBytes, int offsetBytes, Expr expr, boolean isLength, boolean readsFlowId,
                 boolean readsCrc, boolean constant) {
        long mask() {
            return widthBytes == 8 ? -1L : (1L << (8 * widthBytes)) - 1;
        }
    }

    private final String text;
    private final List<Field> fields;
    private final int headerBytes;
    private final boolean readsCrc;
    private final int lengthField;

    private HeaderProgram(String text, List<Field> fields, boolean readsCrc) {
        this.text = text;
        this.fields = List.copyOf(fields);
        int bytes = 0;
        int length = -1;
        for (int i = 0; i < fields.size(); i++) {
            bytes += fields.get(i).widthBytes();
            if (length < 0 && fields.get(i).isLength()) {
                length = i;
            }
        }
        this.headerBytes = bytes;
        this.readsCrc = readsCrc;
        this.lengthField = length;
    }

    /**
     * Compiles the lowered form.
     *
     * @throws IllegalArgumentException saying which field is wrong and why
     */
    public static HeaderProgram compile(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the header program has no fields");
        }
        final String[] parts = text.split(";");
        if (parts.length > MAX_FIELDS) {
            throw new IllegalArgumentException("the header program has " + parts.length + " fields; at most "
                + MAX_FIELDS);
        }
        final Map<String, Integer> slots = new HashMap<>();
        final List<Field> fields = new ArrayList<>();
        final boolean[] readsFlowId = new boolean[parts.length];
        final boolean[] readsCrcField = new boolean[parts.length];
        boolean readsCrc = false;
        int offset = 0;
        for (int i = 0; i < parts.length; i++) {
            final String part = parts[i].trim();
            final int colon = part.indexOf(':');
            final int equals = part.indexOf('=');
            if (colon <= 0 || equals < colon) {
                throw new IllegalArgumentException("field " + (i + 1) + " '" + part + "' is not NAME:TYPE=POSTFIX");
            }
            final String name = part.substring(0, colon).trim();
            final String type = part.substring(colon + 1, equals).trim();
            final int width = switch (type) {
                case "u8" -> 1;
                case "u16" -> 2;
                case "u32" -> 4;
                case "u64" -> 8;
                default -> throw new IllegalArgumentException("field '" + name + "' has unknown type '" + type
                    + "'; types: u8, u16, u32, u64");
            };
            if (slots.containsKey(name)) {
                throw new IllegalArgumentException("field '" + name + "' is given twice");
            }
            final String[] tokens = part.substring(equals + 1).trim().split("\\s+");
            if (tokens.length > MAX_TOKENS) {
                throw new IllegalArgumentException("field '" + name + "' has " + tokens.length + " tokens; at most "
                    + MAX_TOKENS);
            }
            final Deque<Node> stack = new ArrayDeque<>();
            for (String token : tokens) {
                stack.push(switch (token) {
                    case "length", "sequence", "offset", "flow-id", "crc32c" -> Node.operand(token);
                    case "+", "-", "*", "&", "|", "<<", ">>" -> {
                        if (stack.size() < 2) {
                            throw new IllegalArgumentException("field '" + name + "': operator '" + token
                                + "' needs two operands");
                        }
                        final Node right = stack.pop();
                        yield Node.binary(token, stack.pop(), right);
                    }
                    default -> {
                        if (token.startsWith("$")) {
                            final Integer slot = slots.get(token.substring(1));
                            if (slot == null) {
                                throw new IllegalArgumentException("field '" + name + "' reads '" + token.substring(1)
                                    + "', which is not a field above it");
                            }
                            yield Node.field(slot, readsFlowId[slot], readsCrcField[slot]);
                        }
                        yield Node.constant(token, name);
                    }
                });
            }
            if (stack.size() != 1) {
                throw new IllegalArgumentException("field '" + name + "': '" + part.substring(equals + 1).trim()
                    + "' is not one postfix expression");
            }
            final Node root = stack.pop();
            readsFlowId[i] = root.readsFlowId;
            readsCrcField[i] = root.readsCrc;
            readsCrc |= root.readsCrc;
            if (root.constant && width < 8 && Long.compareUnsigned(root.value, (1L << (8 * width)) - 1) > 0) {
                throw new IllegalArgumentException("field '" + name + "': constant " + Long.toUnsignedString(root.value)
                    + " does not fit " + type);
            }
            fields.add(new Field(name, width, offset, root.expr, root.isLength, root.readsFlowId, root.readsCrc,
                root.constant));
            slots.put(name, i);
            offset += width;
        }
        if (offset > MAX_BYTES) {
            throw new IllegalArgumentException("the header program's fields take " + offset + " bytes; at most "
                + MAX_BYTES);
        }
        return new HeaderProgram(text, fields, readsCrc);
    }

    /** Bytes of the header every record carries. */
    public int headerBytes() {
        return headerBytes;
    }

    public int fieldCount() {
        return fields.size();
    }

    /** Whether some field reads the payload's CRC-32C (a device computes it only then). */
    public boolean readsCrc() {
        return readsCrc;
    }

    /** The index of the first field that is exactly the payload length, or -1 when there is none. */
    public int lengthField() {
        return lengthField;
    }

    List<Field> fields() {
        return fields;
    }

    /** Computes every field in order into {@code v.fields}, each cut to its width. */
    void evaluate(RecordValues v) {
        for (int i = 0; i < fields.size(); i++) {
            final Field f = fields.get(i);
            v.fields[i] = f.expr().eval(v) & f.mask();
        }
    }

    /** Writes the fields of {@code v} big-endian at {@code at} in {@code array}. */
    void write(RecordValues v, byte[] array, int at) {
        for (int i = 0; i < fields.size(); i++) {
            final Field f = fields.get(i);
            final long value = v.fields[i];
            final int start = at + f.offsetBytes();
            for (int b = f.widthBytes() - 1, shift = 0; b >= 0; b--, shift += 8) {
                array[start + b] = (byte) (value >>> shift);
            }
        }
    }

    /** Reads field {@code index} big-endian from a header that starts at {@code at}. */
    long read(int index, byte[] array, int at) {
        final Field f = fields.get(index);
        long value = 0;
        for (int b = 0; b < f.widthBytes(); b++) {
            value = (value << 8) | (array[at + f.offsetBytes() + b] & 0xff);
        }
        return value;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A node while compiling: its closure, and what is known of it statically. */
    private static final class Node {
        final Expr expr;
        final boolean constant;
        final long value;
        final boolean isLength;
        final boolean readsFlowId;
        final boolean readsCrc;

        private Node(Expr expr, boolean constant, long value, boolean isLength, boolean readsFlowId, boolean readsCrc) {
            this.expr = expr;
            this.constant = constant;
            this.value = value;
            this.isLength = isLength;
            this.readsFlowId = readsFlowId;
            this.readsCrc = readsCrc;
        }

        static Node constant(String token, String field) {
            final long value;
            try {
                value = Long.parseUnsignedLong(token);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field '" + field + "': '" + token.toLowerCase(Locale.ROOT)
                    + "' is no operand, operator or unsigned constant");
            }
            return new Node(v -> value, true, value, false, false, false);
        }

        static Node operand(String name) {
            return switch (name) {
                case "length" -> new Node(v -> v.length, false, 0, true, false, false);
                case "sequence" -> new Node(v -> v.sequence, false, 0, false, false, false);
                case "offset" -> new Node(v -> v.offset, false, 0, false, false, false);
                case "flow-id" -> new Node(v -> v.flowId, false, 0, false, true, false);
                default -> new Node(v -> v.crc32c, false, 0, false, false, true);
            };
        }

        static Node field(int slot, boolean readsFlowId, boolean readsCrc) {
            return new Node(v -> v.fields[slot], false, 0, false, readsFlowId, readsCrc);
        }

        static Node binary(String op, Node left, Node right) {
            final boolean flowId = left.readsFlowId || right.readsFlowId;
            final boolean crc = left.readsCrc || right.readsCrc;
            if (left.constant && right.constant) {
                final long value = apply(op, left.value, right.value);
                return new Node(v -> value, true, value, false, false, false);
            }
            final Expr l = left.expr;
            final Expr r = right.expr;
            final Expr e = switch (op) {
                case "+" -> v -> l.eval(v) + r.eval(v);
                case "-" -> v -> l.eval(v) - r.eval(v);
                case "*" -> v -> l.eval(v) * r.eval(v);
                case "&" -> v -> l.eval(v) & r.eval(v);
                case "|" -> v -> l.eval(v) | r.eval(v);
                case "<<" -> v -> shiftLeft(l.eval(v), r.eval(v));
                default -> v -> shiftRight(l.eval(v), r.eval(v));
            };
            return new Node(e, false, 0, false, flowId, crc);
        }

        static long apply(String op, long a, long b) {
            return switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "&" -> a & b;
                case "|" -> a | b;
                case "<<" -> shiftLeft(a, b);
                default -> shiftRight(a, b);
            };
        }

        static long shiftLeft(long a, long by) {
            return Long.compareUnsigned(by, 64) >= 0 ? 0 : a << by;
        }

        static long shiftRight(long a, long by) {
            return Long.compareUnsigned(by, 64) >= 0 ? 0 : a >>> by;
        }
    }
}
