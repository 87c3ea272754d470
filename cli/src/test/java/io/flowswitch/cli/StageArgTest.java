package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.flow.StageSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageArgTest {
    @Test
    void kindAloneHasNoParameters() {
        final StageArg stage = StageArg.parse("sha256");
        assertEquals("sha256", stage.kind());
        assertEquals(Map.of(), stage.params());
        assertEquals(1, stage.replicas());
    }

    @Test
    void parametersKeepTheirOrderAndValuesMayHoldColonsAndEquals() {
        final StageArg stage = StageArg.parse("tcp-sink:port=9000,host=::1");
        assertEquals(List.of("port", "host"), List.copyOf(stage.params().keySet()));
        assertEquals("::1", stage.params().get("host"));
        assertEquals("a=b", StageArg.parse("x:v=a=b").params().get("v"));
        assertEquals("C:/data/in.bin", StageArg.parse("file-source:path=C:/data/in.bin").params().get("path"));
    }

    @Test
    void replicasIsTheStageCountNotADeviceParameter() {
        final StageArg stage = StageArg.parse("aes-gcm-encrypt:key=k1,replicas=3");
        assertEquals(3, stage.replicas());
        assertEquals(Map.of("key", "k1"), stage.params());
        assertEquals(new StageSpec("aes-gcm-encrypt", Map.of("key", "k1"), 3), stage.toSpec());
        assertEquals("aes-gcm-encrypt:key=k1,replicas=3", stage.toString());
    }

    @Test
    void spacesAroundNamesAndValuesAreTrimmed() {
        assertEquals(Map.of("path", "in.bin", "sync", "true"),
            StageArg.parse(" file-sink:path = in.bin , sync=true ").params());
    }

    @Test
    void malformedStagesSayWhatIsWrong() {
        assertError("", "a stage is required");
        assertError(":path=x", "device kind is missing");
        assertError("file-source=in.bin", "put a ':' between the device kind and its parameters");
        assertError("file source:path=x", "is not a device kind name");
        assertError("file-source:path", "parameter 'path' has no value");
        assertError("file-source:path=", "parameter 'path' has an empty value");
        assertError("file-source:=x", "no name");
        assertError("file-source:path=a,,sync=true", "empty parameter");
        assertError("file-source:path=a,", "empty parameter");
        assertError("file-source:path=a,path=b", "'path' is given twice");
        assertError("sha256:replicas=2,replicas=3", "'replicas' is given twice");
        assertError("sha256:replicas=two", "replicas must be a whole number");
        assertError("sha256:replicas=0", "replicas must be between 1 and");
    }

    private static void assertError(String text, String expected) {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> StageArg.parse(text));
        assertTrue(error.getMessage().contains(expected), "'" + text + "' -> " + error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
