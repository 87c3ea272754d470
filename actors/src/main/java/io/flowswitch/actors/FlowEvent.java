package io.flowswitch.actors;

import java.util.List;

/**
 * What the application hears about one of its flows, in order: {@link Admitted}, {@link Started}, any number
 * of {@link Progress}, {@link Replanned} and {@link ExceptionRaised}, then exactly one terminal event
 * ({@link Completed}, {@link Failed} or {@link Cancelled}); a flow the node does not take hears only
 * {@link Refused}. O(1) events per flow plus one {@link Progress} per interval, never one per chunk.
 *
 * <p>Every event of a flow comes from one sender (the flow's supervisor; {@link Refused} from the manager,
 * when there is no supervisor), so an actor that receives them sees them in this order. Each has a
 * Protocol Buffers form ({@link FlowEvents#toProto}). A new kind of event is a new record here, a message in
 * {@code flow_events.proto} and a case each way in {@link FlowEvents} (its test round-trips one of every
 * record it is given). Immutable.
 */
public sealed interface FlowEvent {
    long flowId();

    /** Whether this is the flow's last event. */
    default boolean terminal() {
        return this instanceof Completed || this instanceof Failed || this instanceof Cancelled
            || this instanceof Refused;
    }

    /**
     * The ledger leased the flow its devices.
     *
     * @param instances every device instance leased, stage by stage, e.g. {@code aes-card#2}
     * @param rateBytesPerSecond the rate reserved on every stage; 0 when the flow asked for none
     */
    record Admitted(long flowId, String principal, List<String> instances, long rateBytesPerSecond)
        implements FlowEvent {
        public Admitted {
            instances = List.copyOf(instances);
        }
    }

    /**
     * The flow's devices and ports are open and its data moves.
     *
     * @param setUpNs from the supervisor's start to the flow running: compiling and materialising
     * @param edges where each edge's chunks travel, e.g. {@code aeron:ipc stream 1001}
     */
    record Started(long flowId, long setUpNs, List<String> edges) implements FlowEvent {
        public Started {
            edges = List.copyOf(edges);
        }
    }

    /**
     * How far the flow got; sent periodically while it runs, only when something moved.
     *
     * @param totalBytes what the source holds, or -1 when it cannot know (a socket)
     */
    record Progress(long flowId, long bytesRead, long bytesDone, long totalBytes) implements FlowEvent {}

    /**
     * The scheduler placed the flow again because a device's measured rate moved past the margin.
     *
     * @param reason e.g. {@code aes-card measured 150 MiB/s, planned 300 MiB/s}
     * @param placement the flow's stages with their instances after the re-plan, e.g. {@code aes-card x3}
     * @param appliesToRunningFlow whether the running flow moved to it, or only flows opened later use it
     */
    record Replanned(long flowId, String reason, String placement, boolean appliesToRunningFlow)
        implements FlowEvent {}

    /**
     * A device or the path raised an exception, and what was done about it.
     *
     * @param code stable, e.g. {@code AUTH_FAILED}
     * @param handling the step taken, e.g. {@code terminate}
     */
    record ExceptionRaised(long flowId, String code, String message, String handling) implements FlowEvent {}

    /** The flow moved every byte and its sink published them. */
    record Completed(long flowId, long bytesIn, long bytesOut, long chunks, long elapsedNs) implements FlowEvent {}

    /** The flow ended with an error; its sink left no partial output. */
    record Failed(long flowId, String code, String message, long bytesDone) implements FlowEvent {}

    /** The flow was stopped by the application, or because its owner stopped. */
    record Cancelled(long flowId, String reason, long bytesDone) implements FlowEvent {}

    /**
     * The node did not take the flow: it was invalid ({@code INVALID_FLOW}) or admission refused it
     * ({@code ADMISSION_REFUSED}: requested, in use and limit per device kind). Nothing was opened.
     */
    record Refused(long flowId, String code, String message) implements FlowEvent {}
}
