package io.flowswitch.cli;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.ladder.Receipt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * A flow's path receipt as JSON, for {@code flowswitch run --receipt FILE}: which instance or path produced
 * each stage's output, every exception-ladder step with its time and cause, and per stage what its recovery
 * did. Stateless.
 */
final class ReceiptJson {
    private ReceiptJson() {
    }

    static String render(FlowResult result) {
        final Receipt receipt = result.receipt();
        final StringBuilder out = new StringBuilder();
        out.append("{\"flowId\":").append(result.flowId())
            .append(",\"flow\":").append(Json.string(result.name()))
            .append(",\"succeeded\":").append(result.succeeded())
            .append(",\"error\":").append(Json.string(result.error() == null ? null : result.error().getMessage()))
            .append(",\n \"segments\":");
        array(out, receipt.segments(), s -> "{\"stage\":" + Json.string(s.stage()) + ",\"path\":"
            + Json.string(s.path()) + ",\"firstSequence\":" + s.firstSequence() + ",\"lastSequence\":"
            + s.lastSequence() + ",\"firstByte\":" + s.firstByte() + ",\"bytes\":" + s.bytes() + "}");
        out.append(",\n \"steps\":");
        array(out, receipt.steps(), s -> "{\"time\":" + Json.string(Instant.ofEpochMilli(s.epochMillis()).toString())
            + ",\"stage\":" + Json.string(s.stage()) + ",\"step\":" + s.step() + ",\"action\":" + Json.string(s.action())
            + ",\"code\":" + Json.string(s.code()) + ",\"cause\":" + Json.string(s.cause()) + ",\"sequence\":"
            + s.sequence() + ",\"path\":" + Json.string(s.path()) + "}");
        out.append(",\n \"audits\":");
        array(out, receipt.audits(), a -> "{\"stage\":" + Json.string(a.stage()) + ",\"reissued\":" + a.reissued()
            + ",\"duplicatesDropped\":" + a.duplicatesDropped() + ",\"gaps\":" + a.gaps() + ",\"ignored\":"
            + a.ignored() + ",\"recoveries\":" + a.recoveries() + ",\"maxStallNs\":" + a.maxStallNs() + "}");
        return out.append("}\n").toString();
    }

    /** Writes the receipt to {@code file}; a failure to write is a one-line usage-free error. */
    static void write(Path file, FlowResult result) {
        try {
            Files.writeString(file, render(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, "cannot write the receipt to " + file + ": " + e.getMessage(),
                e);
        }
    }

    private static <T> void array(StringBuilder out, List<T> items, Function<T, String> item) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "\n  " : ",\n  ").append(item.apply(items.get(i)));
        }
        out.append(']');
    }
}
