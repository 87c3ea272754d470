package io.flowswitch.fml.plan;

import io.flowswitch.fml.parse.Ast;
import java.util.StringJoiner;

/**
 * Lowers a verified header program to the postfix form the {@code frame} and {@code deframe} devices
 * compile ({@link io.flowswitch.devices.frame.HeaderProgram}): {@code NAME:TYPE=POSTFIX} per field,
 * joined by {@code ;}. Operands map to {@code length}, {@code sequence}, {@code offset}, {@code flow-id},
 * {@code crc32c}; an earlier field {@code f} to {@code $f}; a field without a type is {@code u64}.
 * Stateless.
 */
final class HeaderLowering {
    private HeaderLowering() {
    }

    static String program(Ast.Header header) {
        final StringJoiner fields = new StringJoiner(";");
        for (Ast.Field field : header.fields()) {
            final StringBuilder postfix = new StringBuilder();
            postfix(field.expr(), postfix);
            fields.add(field.name().text() + ":" + field.type().map(Ast.Ident::text).orElse("u64") + "="
                + postfix.toString().strip());
        }
        return fields.toString();
    }

    private static void postfix(Ast.Expr e, StringBuilder out) {
        if (e instanceof Ast.Num n) {
            out.append(Long.toUnsignedString(n.value())).append(' ');
        } else if (e instanceof Ast.Operand o) {
            out.append(switch (o.text()) {
                case "payload.length" -> "length";
                case "sequence", "offset", "flow-id" -> o.text();
                default -> "$" + o.text();
            }).append(' ');
        } else if (e instanceof Ast.Call) {
            // The verifier lets through one function, crc32c(payload).
            out.append("crc32c ");
        } else if (e instanceof Ast.Binary b) {
            postfix(b.left(), out);
            postfix(b.right(), out);
            out.append(b.op()).append(' ');
        }
    }
}
