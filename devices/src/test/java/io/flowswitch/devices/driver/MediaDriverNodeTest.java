package io.flowswitch.devices.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.Eventually;
import java.io.File;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MediaDriverNodeTest {
    @Test
    void closeLeavesNoThreadsAndNoFiles() throws Exception {
        final Set<String> before = aeronThreads();
        final String directory;
        try (MediaDriverNode node = MediaDriverNode.launch()) {
            directory = node.aeronDirectoryName();
            assertTrue(new File(directory).isDirectory(), "driver directory exists while running");
            assertFalse(aeronThreads().isEmpty(), "driver and client threads run");
        }
        assertFalse(new File(directory).exists(), "driver directory removed on close: " + directory);
        Eventually.waitUntil(Duration.ofSeconds(5), () -> aeronThreads().equals(before));
        assertEquals(before, aeronThreads(), "no Aeron thread left behind");
    }

    @Test
    void startDeletesWhatACrashedRunLeft() throws Exception {
        final MediaDriverNode.Context context = new MediaDriverNode.Context().conclude();
        final File stale = new File(context.aeronDirectoryName(), "stale-file");
        assertTrue(stale.getParentFile().mkdirs());
        assertTrue(stale.createNewFile());
        try (MediaDriverNode node = MediaDriverNode.launch(context)) {
            assertFalse(stale.exists(), "stale files deleted on start of " + node.aeronDirectoryName());
        }
        assertFalse(new File(context.aeronDirectoryName()).exists());
    }

    @Test
    void contextRejectsBadSettingsNamingThem() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new MediaDriverNode.Context().defaultIpcTermLengthBytes(100_000).conclude());
        assertTrue(e.getMessage().contains("defaultIpcTermLengthBytes"), e.getMessage());
        final IllegalArgumentException park = assertThrows(IllegalArgumentException.class,
            () -> new MediaDriverNode.Context().quietParkNs(50_000).conclude());
        assertTrue(park.getMessage().contains("quietParkNs"), park.getMessage());
    }

    private static Set<String> aeronThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.contains("aeron") || name.contains("driver") || name.contains("conductor"))
            .collect(Collectors.toSet());
    }
}
