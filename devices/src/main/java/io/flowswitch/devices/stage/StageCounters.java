package io.flowswitch.devices.stage;

/**
 * What one stage moved. Written only by the stage's thread; read by anyone (progress, reports), so
 * fields are volatile single-writer counters: a write per chunk, no lock, no allocation.
 */
public final class StageCounters {
    private final String stage;
    private volatile long chunksIn;
    private volatile long bytesIn;
    private volatile long chunksOut;
    private volatile long bytesOut;
    private volatile long busyNs;

    public StageCounters(String stage) {
        this.stage = stage;
    }

    /** The stage's name, e.g. {@code "2:aes-gcm-encrypt"}. */
    public String stage() {
        return stage;
    }

    public void countIn(int bytes) {
        chunksIn = chunksIn + 1;
        bytesIn = bytesIn + bytes;
    }

    public void countOut(int bytes) {
        chunksOut = chunksOut + 1;
        bytesOut = bytesOut + bytes;
    }

    public void addBusyNs(long ns) {
        busyNs = busyNs + ns;
    }

    public long chunksIn() {
        return chunksIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long chunksOut() {
        return chunksOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long busyNs() {
        return busyNs;
    }

    @Override
    public String toString() {
        return stage + "{in=" + chunksIn + "/" + bytesIn + "B, out=" + chunksOut + "/" + bytesOut + "B}";
    }
}
