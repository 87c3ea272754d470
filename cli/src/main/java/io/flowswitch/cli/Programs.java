package io.flowswitch.cli;

import io.flowswitch.fml.Fml;
import io.flowswitch.fml.FmlOptions;
import io.flowswitch.fml.plan.FmlPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and checks FML programs for the commands that take one ({@code check}, {@code explain},
 * {@code run FILE.fml}): an unreadable file is a usage error, a rejected program prints its diagnostics
 * and is exit code 3. Stateless.
 */
final class Programs {
    private Programs() {
    }

    /**
     * Checks one program file against the built-in devices and the configuration's grants.
     *
     * @param environment also ask the devices about this machine (input files exist, output directories
     *                    can be written): {@code FML071}
     * @throws CliException (usage) when the file cannot be read
     */
    static Fml.Result check(Path file, boolean environment) {
        requireReadable(file);
        try {
            return Fml.check(file, FmlOptions.defaults().withEnvironmentChecks(environment));
        } catch (NoSuchFileException e) {
            throw CliException.usage("program '" + file + "' does not exist");
        } catch (AccessDeniedException e) {
            throw CliException.usage("program '" + file + "' cannot be read: permission denied");
        } catch (IOException e) {
            throw CliException.usage("program '" + file + "' cannot be read: " + Failure.oneLine(e.getMessage()));
        }
    }

    /** Fails before any work when a program argument is not a readable file: a mistyped name is a usage error. */
    static void requireReadable(Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.usage("program '" + file + "' is a directory, not an FML file");
        }
        if (!Files.exists(file)) {
            throw CliException.usage("program '" + file + "' does not exist");
        }
        if (!Files.isReadable(file)) {
            throw CliException.usage("program '" + file + "' cannot be read: permission denied");
        }
    }

    /**
     * The plan of a checked program. A rejected program's diagnostics go to {@code out} (they are what the
     * user came for) and it ends the command with exit code 3; warnings of an accepted program go to
     * {@code warnings}.
     *
     * @throws CliException (rejected) when the program has errors
     */
    static FmlPlan planOrReject(Fml.Result result, PrintWriter out, PrintWriter warnings) {
        if (!result.ok()) {
            out.print(result.render());
            out.flush();
            throw new CliException(ExitCodes.REJECTED, "program '" + result.file() + "' was rejected: "
                + result.diagnostics().summary() + " (diagnostics on stdout)");
        }
        if (!result.diagnostics().isEmpty()) {
            warnings.print(result.render());
            warnings.println();
            warnings.flush();
        }
        return result.plan().orElseThrow();
    }
}
