package io.flowswitch.flow;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.proto.OpenFlowRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link FlowSpec} to and from its Protocol Buffers form ({@code FlowSpec} in {@code signalling.proto},
 * inside an {@code OpenFlowRequest}). Decoding checks what the message alone can say (shape, bounds,
 * enum values) and reports every problem at once; whether the devices exist and their parameters are
 * valid is the compiler's check, as for any flow. Key material never travels: stages name keys, and a
 * decoded flow has none. Stateless, thread-safe.
 */
public final class FlowSpecMessages {
    /** Code of a message that is not a valid open-flow request. */
    public static final String BAD_MESSAGE = "BAD_MESSAGE";
    /** More replicas than any node has instances: a typo or an attack, never a plan. */
    public static final int MAX_REPLICAS = 1024;

    private FlowSpecMessages() {
    }

    /**
     * Decodes an {@code OpenFlowRequest}.
     *
     * @throws FlowException {@link #BAD_MESSAGE}: the bytes are not a request, or its spec is malformed (every
     *     problem, each naming its field)
     */
    public static FlowSpec decodeOpenFlow(byte[] bytes) {
        final OpenFlowRequest request;
        try {
            request = OpenFlowRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new FlowException(BAD_MESSAGE, "open-flow request of " + bytes.length
                + " bytes is not a valid OpenFlowRequest message: " + e.getMessage());
        }
        if (!request.hasSpec()) {
            throw new FlowException(BAD_MESSAGE, "open-flow request of " + bytes.length
                + " bytes has no flow spec (field 1, spec)");
        }
        return fromProto(request.getSpec());
    }

    /** @throws FlowException {@link #BAD_MESSAGE} naming every malformed field */
    public static FlowSpec fromProto(io.flowswitch.proto.FlowSpec message) {
        final List<String> problems = new ArrayList<>();
        final List<StageSpec> stages = new ArrayList<>();
        if (message.getStagesCount() < 2) {
            problems.add("stages: a flow needs at least a source and a sink, got " + message.getStagesCount());
        }
        for (int i = 0; i < message.getStagesCount(); i++) {
            final io.flowswitch.proto.StageSpec stage = message.getStages(i);
            final String where = "stages[" + i + "]";
            if (stage.getKind().isBlank()) {
                problems.add(where + ".kind: empty; name a device kind, e.g. file-source");
                continue;
            }
            if (Integer.toUnsignedLong(stage.getReplicas()) > MAX_REPLICAS) {
                problems.add(where + ".replicas: " + Integer.toUnsignedString(stage.getReplicas()) + " is more than "
                    + MAX_REPLICAS);
                continue;
            }
            final int replicas = stage.getReplicasAuto() ? StageSpec.AUTO : Math.max(1, stage.getReplicas());
            stages.add(new StageSpec(stage.getKind(), stage.getParamsMap(), replicas));
        }
        final long chunkBytes = Integer.toUnsignedLong(message.getChunkBytes());
        if (chunkBytes != 0 && (chunkBytes < FlowContext.MIN_CHUNK_BYTES || chunkBytes > FlowContext.MAX_CHUNK_BYTES)) {
            problems.add("chunk_bytes: must be between " + FlowContext.MIN_CHUNK_BYTES + " and "
                + FlowContext.MAX_CHUNK_BYTES + " (0: the default), got " + chunkBytes);
        }
        Transport transport = Transport.FUSED;
        switch (message.getTransport()) {
            case TRANSPORT_DEFAULT, FUSED -> transport = Transport.FUSED;
            case AERON_IPC -> transport = Transport.AERON_IPC;
            default -> problems.add("transport: unknown value " + message.getTransportValue()
                + "; known: TRANSPORT_DEFAULT (0), AERON_IPC (1), FUSED (2)");
        }
        final long portCapacity = Integer.toUnsignedLong(message.getPortCapacityChunks());
        if (portCapacity > FlowSpec.MAX_PORT_CAPACITY_CHUNKS) {
            problems.add("port_capacity_chunks: must be at most " + FlowSpec.MAX_PORT_CAPACITY_CHUNKS
                + " (0: the transport's default), got " + portCapacity);
        }
        final long rate = message.getPolicy().getRateBytesPerSecond();
        if (rate < 0) {
            problems.add("policy.rate_bytes_per_second: " + Long.toUnsignedString(rate) + " is too large");
        }
        final long weight = Integer.toUnsignedLong(message.getPolicy().getWeight());
        if (weight > Integer.MAX_VALUE) {
            problems.add("policy.weight: " + weight + " is too large");
        }
        if (!problems.isEmpty()) {
            throw new FlowException(BAD_MESSAGE, "flow spec '" + message.getName() + "' is malformed: "
                + String.join("; ", problems));
        }
        return new FlowSpec(message.getName().isEmpty() ? "flow" : message.getName(), stages,
            chunkBytes == 0 ? FlowContext.DEFAULT_CHUNK_BYTES : (int) chunkBytes, transport,
            portCapacity == 0 ? FlowSpec.defaultPortCapacityChunks(transport) : (int) portCapacity, Map.of(),
            new FlowPolicy(rate, (int) Math.max(1, weight)),
            message.getPrincipal().isEmpty() ? FlowSpec.DEFAULT_PRINCIPAL : message.getPrincipal());
    }

    /** The message form of {@code spec}, without its keys (stages name them; the node holds them). */
    public static io.flowswitch.proto.FlowSpec toProto(FlowSpec spec) {
        final io.flowswitch.proto.FlowSpec.Builder message = io.flowswitch.proto.FlowSpec.newBuilder()
            .setName(spec.name())
            .setChunkBytes(spec.chunkBytes())
            .setTransport(spec.transport() == Transport.AERON_IPC ? io.flowswitch.proto.FlowSpec.Transport.AERON_IPC
                : io.flowswitch.proto.FlowSpec.Transport.FUSED)
            .setPortCapacityChunks(spec.portCapacityChunks())
            .setPolicy(io.flowswitch.proto.FlowPolicy.newBuilder()
                .setRateBytesPerSecond(spec.policy().rateBytesPerSecond()).setWeight(spec.policy().weight()))
            .setPrincipal(spec.principal());
        for (StageSpec stage : spec.stages()) {
            message.addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind(stage.kind())
                .putAllParams(stage.params()).setReplicas(Math.max(1, stage.replicas()))
                .setReplicasAuto(stage.isAuto()));
        }
        return message.build();
    }

    /** An {@code OpenFlowRequest} for {@code spec}, as bytes. */
    public static byte[] encodeOpenFlow(FlowSpec spec) {
        return OpenFlowRequest.newBuilder().setSpec(toProto(spec)).build().toByteArray();
    }
}
