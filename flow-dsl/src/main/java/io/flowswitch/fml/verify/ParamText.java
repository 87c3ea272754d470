package io.flowswitch.fml.verify;

import io.flowswitch.fml.parse.Ast;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parameter values as the devices take them, as text: a string as it is, a name as it is (a key's name,
 * {@code true}, {@code false}), a number in base units (bytes, bytes per second), a duration in the unit
 * the parameter's name ends with ({@code latency-us}, {@code connect-timeout-ms}). Stateless.
 */
public final class ParamText {
    private ParamText() {
    }

    public static String of(Ast.Param param) {
        final Ast.Value value = param.value();
        if (value instanceof Ast.Str s) {
            return s.value();
        }
        if (value instanceof Ast.Ident i) {
            return i.text();
        }
        final Ast.Num n = (Ast.Num) value;
        return switch (n.unit().dimension()) {
            case DURATION -> {
                final long per = StructureVerifier.durationSuffix(param.name().text());
                yield Long.toString(per == 0 ? n.value() : n.value() / per);
            }
            default -> Long.toString(n.value());
        };
    }

    /** Every parameter of a device, by name. */
    public static Map<String, String> of(Ast.Device device) {
        final Map<String, String> map = new TreeMap<>();
        for (Ast.Param p : device.params()) {
            map.putIfAbsent(p.name().text(), of(p));
        }
        return map;
    }
}
