package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code sha256} device kind: a tap that passes its flow through untouched and reports the SHA-256
 * of the whole stream as {@code sha256 -> lowercase hex} (the text {@code sha256sum} prints).
 *
 * <p>No parameters. Stateless and thread-safe; each {@link #create} makes a {@link Sha256Tap}, which owns
 * each input chunk from {@code accept} until it hands the same chunk out of {@code poll}.
 */
public final class Sha256Kind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "sha256";
    /** Key of the digest in {@link io.flowswitch.devices.Device#results()}. */
    public static final String RESULT_KEY = "sha256";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("SHA-256 tap: passes data through unchanged and reports the digest of the whole stream")
        .addFunctions("digest")
        .addFunctions("sha256")
        // The digest covers the whole stream in order: one instance per flow.
        .setStateful(true)
        // A tap changes no byte at all, so any pass-through range is left untouched too.
        .setPassThrough(true)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(Set.of());
    }

    @Override
    public Sha256Tap create(DeviceParams params, FlowContext context) {
        validate(params, context);
        return new Sha256Tap(params.stage());
    }
}
