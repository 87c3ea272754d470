package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code crc32c} device kind: a tap that passes its flow through untouched and reports the CRC-32C
 * (Castagnoli, as {@link java.util.zip.CRC32C} computes it) of the whole stream as
 * {@code crc32c -> 8 lowercase hex digits}.
 *
 * <p>Parameter {@code expect} (optional, 8 hex digits): the CRC-32C the stream must have; a different
 * value fails the flow at end of input with {@code CHECKSUM_MISMATCH}. Stateless and thread-safe; each
 * {@link #create} makes a {@link Crc32cTap}, which owns each input chunk from {@code accept} until it
 * hands the same chunk out of {@code poll}.
 */
public final class Crc32cKind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "crc32c";
    /** Key of the checksum in {@link io.flowswitch.devices.Device#results()}. */
    public static final String RESULT_KEY = "crc32c";
    /** Optional parameter: the expected whole-stream CRC-32C, 8 hex digits. */
    public static final String EXPECT = "expect";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("CRC-32C tap: passes data through unchanged, reports the whole-stream CRC-32C and can check it")
        .addFunctions("checksum")
        .addFunctions("crc32c")
        .addFunctions("verify")
        // The checksum covers the whole stream in order: one instance per flow.
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
        expected(params);
    }

    @Override
    public Crc32cTap create(DeviceParams params, FlowContext context) {
        return new Crc32cTap(params.stage(), expected(params));
    }

    /** The {@code expect} parameter in lowercase, or {@code null} when absent; rejects unknown parameters. */
    private static String expected(DeviceParams params) {
        params.requireOnly(Set.of(EXPECT));
        if (!params.has(EXPECT)) {
            return null;
        }
        final String text = params.string(EXPECT, "").trim();
        if (text.length() != 8 || !text.chars().allMatch(HexFormat::isHexDigit)) {
            throw params.bad(EXPECT, "must be the CRC-32C as 8 hex digits, e.g. e3069283, got '" + text + "'");
        }
        return text.toLowerCase(Locale.ROOT);
    }
}
