package io.flowswitch.flow.recovery;

/**
 * Where a stage's device runs: an instance of its own kind ({@code slot} 0 is the one it started on), an
 * instance of another kind, or the kind's software path. Immutable.
 */
public record DevicePath(Type type, int slot, String kind) {
    public enum Type { INSTANCE, KIND, SOFTWARE }

    public static DevicePath instance(int slot) {
        return new DevicePath(Type.INSTANCE, slot, null);
    }

    public static DevicePath kind(String kind) {
        return new DevicePath(Type.KIND, 0, kind);
    }

    public static DevicePath software() {
        return new DevicePath(Type.SOFTWARE, 0, null);
    }

    /** As receipts write it: {@code instance 0}, {@code kind aes-gcm-encrypt}, {@code software}. */
    public String label() {
        return switch (type) {
            case INSTANCE -> "instance " + slot;
            case KIND -> "kind " + kind;
            case SOFTWARE -> "software";
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
