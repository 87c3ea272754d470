package io.flowswitch.scheduler;

/**
 * One device instance: its kind and its index among the kind's instances, written {@code aes-card#2} as
 * device actors name themselves. Immutable.
 */
public record InstanceId(String kind, int index) implements Comparable<InstanceId> {
    public InstanceId {
        if (kind == null || kind.isEmpty()) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "an instance needs a device kind");
        }
        if (index < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "instance index of '" + kind + "' must be >= 0, got " + index);
        }
    }

    @Override
    public int compareTo(InstanceId other) {
        final int byKind = kind.compareTo(other.kind);
        return byKind != 0 ? byKind : Integer.compare(index, other.index);
    }

    @Override
    public String toString() {
        return kind + "#" + index;
    }
}
