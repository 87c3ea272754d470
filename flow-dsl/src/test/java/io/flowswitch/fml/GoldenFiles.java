package io.flowswitch.fml;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the golden files live and how they are checked. With {@code -Dfml.golden.update=true} (or the
 * environment variable {@code FML_GOLDEN_UPDATE=true}) the tests write what the front end produces into
 * the expected files instead of comparing; review the diff before committing it.
 */
final class GoldenFiles {
    static final Path ROOT = Path.of("src", "test", "resources", "fml");

    private GoldenFiles() {
    }

    static boolean update() {
        return Boolean.getBoolean("fml.golden.update") || "true".equals(System.getenv("FML_GOLDEN_UPDATE"));
    }

    /** Options the golden programs are checked with: built-in devices, the test grants, no machine checks. */
    static FmlOptions options() {
        try {
            final String grants = Files.readString(ROOT.resolve("grants.conf"), StandardCharsets.UTF_8);
            // Parsed from a string, so that messages never carry the path of the file on this machine.
            return new FmlOptions(DeviceCatalog.builtIn(), ConfigFactory.parseString(grants).resolve(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> programs(String dir) {
        try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".fml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name diagnostics give a golden program: {@code reject/unknown-device.fml}. */
    static String name(Path program) {
        return program.getParent().getFileName() + "/" + program.getFileName();
    }

    static Path expected(Path program, String extension) {
        final String file = program.getFileName().toString();
        return program.resolveSibling(file.substring(0, file.length() - ".fml".length()) + extension);
    }

    /** A program whose first line is this also gets the machine checks (missing files and the like). */
    static final String ENVIRONMENT = "# fml-test: environment";

    static Fml.Result check(Path program) throws IOException {
        final byte[] bytes = Files.readAllBytes(program);
        final boolean environment = new String(bytes, StandardCharsets.ISO_8859_1).startsWith(ENVIRONMENT);
        return Fml.check(name(program), bytes, options().withEnvironmentChecks(environment));
    }
}
