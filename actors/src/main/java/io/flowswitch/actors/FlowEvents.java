package io.flowswitch.actors;

import io.flowswitch.proto.FlowEventMessage;

/** The Protocol Buffers form of {@link FlowEvent}s, both ways. Stateless, thread-safe. */
public final class FlowEvents {
    private FlowEvents() {
    }

    public static FlowEventMessage toProto(FlowEvent event) {
        final FlowEventMessage.Builder message = FlowEventMessage.newBuilder().setFlowId(event.flowId());
        if (event instanceof FlowEvent.Admitted e) {
            message.setAdmitted(FlowEventMessage.Admitted.newBuilder().setPrincipal(e.principal())
                .addAllInstances(e.instances()).setRateBytesPerSecond(e.rateBytesPerSecond()));
        } else if (event instanceof FlowEvent.Started e) {
            message.setStarted(FlowEventMessage.Started.newBuilder().setSetUpNanos(e.setUpNs()).addAllEdges(e.edges()));
        } else if (event instanceof FlowEvent.Progress e) {
            message.setProgress(FlowEventMessage.Progress.newBuilder().setBytesRead(e.bytesRead())
                .setBytesDone(e.bytesDone()).setTotalBytes(e.totalBytes()));
        } else if (event instanceof FlowEvent.Replanned e) {
            message.setReplanned(FlowEventMessage.Replanned.newBuilder().setReason(e.reason())
                .setPlacement(e.placement()).setAppliesToRunningFlow(e.appliesToRunningFlow()));
        } else if (event instanceof FlowEvent.ExceptionRaised e) {
            message.setException(FlowEventMessage.ExceptionRaised.newBuilder().setCode(e.code())
                .setMessage(e.message()).setHandling(e.handling()));
        } else if (event instanceof FlowEvent.Completed e) {
            message.setCompleted(FlowEventMessage.Completed.newBuilder().setBytesIn(e.bytesIn())
                .setBytesOut(e.bytesOut()).setChunks(e.chunks()).setElapsedNanos(e.elapsedNs()));
        } else if (event instanceof FlowEvent.Failed e) {
            message.setFailed(FlowEventMessage.Failed.newBuilder().setCode(e.code()).setMessage(e.message())
                .setBytesDone(e.bytesDone()));
        } else if (event instanceof FlowEvent.Cancelled e) {
            message.setCancelled(FlowEventMessage.Cancelled.newBuilder().setReason(e.reason())
                .setBytesDone(e.bytesDone()));
        } else if (event instanceof FlowEvent.Refused e) {
            message.setRefused(FlowEventMessage.Refused.newBuilder().setCode(e.code()).setMessage(e.message()));
        } else {
            // Java 17 cannot switch over a sealed interface: FlowEventsTest round-trips one of every record.
            throw new IllegalArgumentException("no protobuf form for " + event.getClass().getSimpleName());
        }
        return message.build();
    }

    /**
     * @throws IllegalArgumentException when the message carries no event (or one this node does not know)
     */
    public static FlowEvent fromProto(FlowEventMessage message) {
        final long flowId = message.getFlowId();
        return switch (message.getEventCase()) {
            case ADMITTED -> new FlowEvent.Admitted(flowId, message.getAdmitted().getPrincipal(),
                message.getAdmitted().getInstancesList(), message.getAdmitted().getRateBytesPerSecond());
            case STARTED -> new FlowEvent.Started(flowId, message.getStarted().getSetUpNanos(),
                message.getStarted().getEdgesList());
            case PROGRESS -> new FlowEvent.Progress(flowId, message.getProgress().getBytesRead(),
                message.getProgress().getBytesDone(), message.getProgress().getTotalBytes());
            case REPLANNED -> new FlowEvent.Replanned(flowId, message.getReplanned().getReason(),
                message.getReplanned().getPlacement(), message.getReplanned().getAppliesToRunningFlow());
            case EXCEPTION -> new FlowEvent.ExceptionRaised(flowId, message.getException().getCode(),
                message.getException().getMessage(), message.getException().getHandling());
            case COMPLETED -> new FlowEvent.Completed(flowId, message.getCompleted().getBytesIn(),
                message.getCompleted().getBytesOut(), message.getCompleted().getChunks(),
                message.getCompleted().getElapsedNanos());
            case FAILED -> new FlowEvent.Failed(flowId, message.getFailed().getCode(), message.getFailed().getMessage(),
                message.getFailed().getBytesDone());
            case CANCELLED -> new FlowEvent.Cancelled(flowId, message.getCancelled().getReason(),
                message.getCancelled().getBytesDone());
            case REFUSED -> new FlowEvent.Refused(flowId, message.getRefused().getCode(),
                message.getRefused().getMessage());
            case EVENT_NOT_SET -> throw new IllegalArgumentException("flow event of flow " + flowId
                + " carries no event (or one newer than this node)");
        };
    }
}
