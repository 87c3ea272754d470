package io.flowswitch.flow;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.proto.EventRule;
import io.flowswitch.proto.LadderDecision;
import io.flowswitch.proto.LadderStep;
import io.flowswitch.proto.OpenFlowRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FlowSpec} to and from its Protocol Buffers form ({@code FlowSpec} in {@code signalling.proto},
 * inside an {@code OpenFlowRequest}). Decoding checks what the message alone can say (shape, bounds,
 * enum values) and reports every problem at once; whether the devices exist and their parameters are
 * valid is the compiler's check, as for any flow. Key material never travels: stages name keys, and a
 * decoded flow has none. Nor do the application's notification handlers: a decoded {@code notify} has none
 * (the application answers with {@link Ladder#notifying}), as a {@code notify} of an FML program.
 * Stateless, thread-safe.
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
            final Ladder ladder = stage.hasLadder() ? ladder(stage.getLadder(), where + ".ladder", problems) : Ladder.NONE;
            if (ladder != null) {
                stages.add(new StageSpec(stage.getKind(), stage.getParamsMap(), replicas, ladder));
            }
        }
        final EventRules events = events(message, problems);
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
            message.getPrincipal().isEmpty() ? FlowSpec.DEFAULT_PRINCIPAL : message.getPrincipal(), events);
    }

    /** The ladder {@code message} describes, or null after adding what is wrong with it to {@code problems}. */
    private static Ladder ladder(io.flowswitch.proto.Ladder message, String where, List<String> problems) {
        final List<Ladder.Step> steps = new ArrayList<>();
        final int before = problems.size();
        for (int i = 0; i < message.getStepsCount(); i++) {
            final LadderStep step = message.getSteps(i);
            final String at = where + ".steps[" + i + "]";
            try {
                switch (step.getStepCase()) {
                    case RETRY -> steps.add(new Ladder.Retry(step.getRetry().getTimes(),
                        nanos(step.getRetry().getBackoffNanos(), at + ".retry.backoff_nanos")));
                    case IGNORE_TRANSIENT -> steps.add(new Ladder.IgnoreTransient());
                    case REDIRECT_INSTANCE -> steps.add(new Ladder.RedirectInstance());
                    case REDIRECT_KIND -> {
                        if (step.getRedirectKind().isBlank()) {
                            throw new IllegalArgumentException("empty; name a device kind, e.g. aes-gcm-encrypt");
                        }
                        steps.add(new Ladder.RedirectKind(step.getRedirectKind()));
                    }
                    case NOTIFY -> {
                        final long timeoutNs = step.getNotify().getTimeoutNanos() == 0
                            ? Ladder.Notify.DEFAULT_TIMEOUT_NS
                            : nanos(step.getNotify().getTimeoutNanos(), at + ".notify.timeout_nanos");
                        steps.add(new Ladder.Notify(null, timeoutNs, decision(step.getNotify())));
                    }
                    case FALLBACK_SOFTWARE -> steps.add(new Ladder.FallbackSoftware());
                    case TERMINATE -> steps.add(new Ladder.Terminate());
                    case STEP_NOT_SET -> throw new IllegalArgumentException("no step set; set one of retry,"
                        + " ignore_transient, redirect_instance, redirect_kind, notify, fallback_software, terminate");
                }
            } catch (IllegalArgumentException e) {
                problems.add(at + ": " + e.getMessage());
            }
        }
        final long stallNs = message.getStallTimeoutNanos();
        final long replay = Integer.toUnsignedLong(message.getReplayChunks());
        if (problems.size() > before) {
            return null;
        }
        try {
            return new Ladder(steps, stallNs == 0 ? Ladder.DEFAULT_STALL_TIMEOUT_NS
                : nanos(stallNs, where + ".stall_timeout_nanos"),
                replay == 0 ? Ladder.DEFAULT_REPLAY_CHUNKS : (int) Math.min(replay, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    private static long nanos(long value, String where) {
        if (value < 0) {
            throw new IllegalArgumentException(where + " " + Long.toUnsignedString(value) + " is too large");
        }
        return value;
    }

    private static Decision decision(LadderStep.Notify notify) {
        return switch (notify.getDefaultDecision()) {
            case DECISION_UNSPECIFIED, DECISION_CONTINUE -> Decision.CONTINUE;
            case DECISION_RETRY -> Decision.RETRY;
            case DECISION_FALLBACK_SOFTWARE -> Decision.FALLBACK_SOFTWARE;
            case DECISION_TERMINATE -> Decision.TERMINATE;
            default -> throw new IllegalArgumentException("default_decision: unknown value "
                + notify.getDefaultDecisionValue() + "; known: DECISION_CONTINUE (1), DECISION_RETRY (2),"
                + " DECISION_FALLBACK_SOFTWARE (3), DECISION_TERMINATE (4)");
        };
    }

    private static EventRules events(io.flowswitch.proto.FlowSpec message, List<String> problems) {
        final Map<ExternalEvent, Ladder> rules = new EnumMap<>(ExternalEvent.class);
        for (int i = 0; i < message.getEventsCount(); i++) {
            final EventRule rule = message.getEvents(i);
            final String where = "events[" + i + "]";
            final ExternalEvent event = switch (rule.getEvent()) {
                case EVENT_PEER_RESET -> ExternalEvent.PEER_RESET;
                case EVENT_SINK_FULL -> ExternalEvent.SINK_FULL;
                case EVENT_MTU_CHANGE -> ExternalEvent.MTU_CHANGE;
                default -> null;
            };
            if (event == null) {
                problems.add(where + ".event: " + (rule.getEventValue() == 0 ? "not set" : "unknown value "
                    + rule.getEventValue()) + "; known: EVENT_PEER_RESET (1), EVENT_SINK_FULL (2), EVENT_MTU_CHANGE (3)");
                continue;
            }
            if (rules.containsKey(event)) {
                problems.add(where + ".event: " + event.text() + " has a rule already; give each event one rule");
                continue;
            }
            final Ladder ladder = rule.hasLadder() ? ladder(rule.getLadder(), where + ".ladder", problems) : Ladder.NONE;
            if (ladder == null) {
                continue;
            }
            final String wrong = ladder.steps().stream().filter(s -> s.step() == 2 || s.step() == 4)
                .map(Ladder.Step::text).findFirst().orElse(null);
            if (wrong != null) {
                problems.add(where + ".ladder: '" + wrong + "' does not apply to event '" + event.text()
                    + "': an event rule may retry, ignore transient, notify or terminate");
                continue;
            }
            if (event.whyNoRetry() != null && ladder.steps().stream().anyMatch(s -> s instanceof Ladder.Retry)) {
                problems.add(where + ".ladder: 'retry' does not apply to event '" + event.text() + "': "
                    + event.whyNoRetry());
                continue;
            }
            rules.put(event, ladder);
        }
        return new EventRules(rules);
    }

    private static io.flowswitch.proto.Ladder ladder(Ladder ladder) {
        final io.flowswitch.proto.Ladder.Builder message = io.flowswitch.proto.Ladder.newBuilder()
            .setStallTimeoutNanos(ladder.stallTimeoutNs()).setReplayChunks(ladder.replayChunks());
        for (Ladder.Step step : ladder.steps()) {
            final LadderStep.Builder built = LadderStep.newBuilder();
            final LadderStep.Empty empty = LadderStep.Empty.getDefaultInstance();
            if (step instanceof Ladder.Retry retry) {
                built.setRetry(LadderStep.Retry.newBuilder().setTimes(retry.times()).setBackoffNanos(retry.backoffNs()));
            } else if (step instanceof Ladder.IgnoreTransient) {
                built.setIgnoreTransient(empty);
            } else if (step instanceof Ladder.RedirectInstance) {
                built.setRedirectInstance(empty);
            } else if (step instanceof Ladder.RedirectKind redirect) {
                built.setRedirectKind(redirect.kind());
            } else if (step instanceof Ladder.Notify notify) {
                built.setNotify(LadderStep.Notify.newBuilder().setTimeoutNanos(notify.timeoutNs())
                    .setDefaultDecision(switch (notify.defaultDecision()) {
                        case CONTINUE -> LadderDecision.DECISION_CONTINUE;
                        case RETRY -> LadderDecision.DECISION_RETRY;
                        case FALLBACK_SOFTWARE -> LadderDecision.DECISION_FALLBACK_SOFTWARE;
                        case TERMINATE -> LadderDecision.DECISION_TERMINATE;
                    }));
            } else if (step instanceof Ladder.FallbackSoftware) {
                built.setFallbackSoftware(empty);
            } else {
                built.setTerminate(empty);
            }
            message.addSteps(built);
        }
        return message.build();
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
            final io.flowswitch.proto.StageSpec.Builder built = io.flowswitch.proto.StageSpec.newBuilder()
                .setKind(stage.kind()).putAllParams(stage.params()).setReplicas(Math.max(1, stage.replicas()))
                .setReplicasAuto(stage.isAuto());
            if (!stage.ladder().equals(Ladder.NONE)) {
                built.setLadder(ladder(stage.ladder()));
            }
            message.addStages(built);
        }
        spec.events().rules().forEach((event, ladder) -> message.addEvents(EventRule.newBuilder()
            .setEvent(switch (event) {
                case PEER_RESET -> io.flowswitch.proto.ExternalEvent.EVENT_PEER_RESET;
                case SINK_FULL -> io.flowswitch.proto.ExternalEvent.EVENT_SINK_FULL;
                case MTU_CHANGE -> io.flowswitch.proto.ExternalEvent.EVENT_MTU_CHANGE;
            })
            .setLadder(ladder(ladder))));
        return message.build();
    }

    /** An {@code OpenFlowRequest} for {@code spec}, as bytes. */
    public static byte[] encodeOpenFlow(FlowSpec spec) {
        return OpenFlowRequest.newBuilder().setSpec(toProto(spec)).build().toByteArray();
    }
}
