package io.flowswitch.scheduler;

/** One device instance leased to one stage of a flow, with the rate reserved on it. Immutable. */
public record Assignment(InstanceId instance, long bytesPerSecond) {
    @Override
    public String toString() {
        return instance + "@" + Rates.format(bytesPerSecond);
    }
}
