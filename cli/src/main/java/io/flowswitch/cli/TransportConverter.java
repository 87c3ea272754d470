package io.flowswitch.cli;

import io.flowswitch.flow.Transport;
import java.util.Locale;
import picocli.CommandLine;

/** {@code --transport fused|aeron}: how chunks cross between the stages of a flow. */
final class TransportConverter implements CommandLine.ITypeConverter<Transport> {
    static final String HELP = "How chunks cross between stages: fused (pooled buffers handed over a queue,"
        + " no copy) or aeron (an Aeron IPC stream per edge, through shared memory). Default: ${DEFAULT-VALUE}.";

    @Override
    public Transport convert(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fused" -> Transport.FUSED;
            case "aeron", "aeron-ipc", "aeron_ipc" -> Transport.AERON_IPC;
            default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a transport: use fused or aeron");
        };
    }

    /** The name the option takes, for messages. */
    static String name(Transport transport) {
        return transport == Transport.FUSED ? "fused" : "aeron";
    }
}
