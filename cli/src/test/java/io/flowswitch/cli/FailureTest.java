package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.flow.FlowException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureTest {
    @Test
    void verificationAndAdmissionCodesAreRejections() {
        for (String code : new String[] {"INVALID_FLOW", "ADMISSION_REFUSED", "NO_DEVICE", "BAD_PARAMETER"}) {
            assertEquals(ExitCodes.REJECTED, Failure.of(new FlowException(code, "no")).exitCode(), code);
        }
    }

    @Test
    void onceAFlowRanEveryCodeIsAFlowFailure() {
        assertEquals(ExitCodes.REJECTED, Failure.ofFlow(new FlowException("BAD_CHUNK_SIZE", "no"), false).exitCode());
        assertEquals(ExitCodes.FLOW_FAILED,
            Failure.ofFlow(new DeviceException("BAD_CHUNK_SIZE", "record says 2 MiB"), true).exitCode());
    }

    @Test
    void failuresWhileRunningAreFlowFailuresWithTheirCode() {
        final Failure failure = Failure.of(new CompletionException(
            new DeviceException("AUTH_FAILED", "stage 2 (aes-gcm-decrypt): chunk 3 failed authentication")));
        assertEquals(ExitCodes.FLOW_FAILED, failure.exitCode());
        assertEquals("stage 2 (aes-gcm-decrypt): chunk 3 failed authentication (AUTH_FAILED)", failure.message());
    }

    @Test
    void messagesAreOneLine() {
        assertEquals("a b c (IO)", Failure.of(new DeviceException("IO", "a\n  b\r\nc\n")).message());
    }

    @Test
    void unknownErrorsPointToDebug() {
        final Failure failure = Failure.of(new IllegalStateException("lost"));
        assertEquals(ExitCodes.FLOW_FAILED, failure.exitCode());
        assertEquals("IllegalStateException: lost (run with --debug for the stack trace)", failure.message());
    }

    @Test
    void cliExceptionsKeepTheirExitCode() {
        assertEquals(new Failure(ExitCodes.USAGE, "bad"), Failure.of(CliException.usage("bad")));
    }
}
