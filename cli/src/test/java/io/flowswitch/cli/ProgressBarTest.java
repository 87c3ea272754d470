package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void knownTotalShowsBarPercentageBytesAndRate() {
        assertEquals("[######..................]  25%  64.0 MiB / 256.0 MiB  1.50 GB/s",
            ProgressBar.render(64L << 20, 256L << 20, 1.5e9));
        assertEquals("[........................]   0%  0 B / 1.0 KiB  0.0 kB/s", ProgressBar.render(0, 1024, 0));
        assertEquals("[########################] 100%  1.0 KiB / 1.0 KiB  12.5 MB/s",
            ProgressBar.render(1024, 1024, 12.5e6));
    }

    @Test
    void unknownTotalShowsBytesAndRate() {
        assertEquals("3.0 MiB  2.00 GB/s", ProgressBar.render(3L << 20, -1, 2e9));
    }

    @Test
    void moreThanTheTotalIsShownAsTheTotal() {
        assertEquals("[########################] 100%  1.0 KiB / 1.0 KiB  0.0 kB/s", ProgressBar.render(5000, 1024, 0));
    }
}
