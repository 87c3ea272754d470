package io.flowswitch.devices.driver;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.port.IpcStreamPool;
import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * The one embedded Aeron media driver of a node and the Aeron client connected to it.
 *
 * <p>The driver runs in INVOKER mode: its agents (conductor, sender, receiver) are run by one thread of
 * ours, {@code flowswitch-driver}, with a back-off idle strategy that parks almost at once and at
 * most 100 µs (on two cores any spinning or yielding idle thread steals the core a device needs) while a
 * flow holds one of the node's streams, and at most {@link Context#quietParkNs} (1 ms) while none does: woken
 * every 100 µs for nothing, the thread cost an idle node ~10 % of a core, and on two busy cores each wake-up
 * takes its core from a flow that does not use Aeron at all (a lane flow's lanes). Leasing a stream wakes the
 * thread ({@link #wakeDriver()}).
 * Why INVOKER: an IPC publisher's limit only advances when the conductor runs, and on two busy cores
 * the driver's own thread can wait for the CPU for milliseconds. A writer that finds its publication
 * back-pressured may therefore run one duty cycle itself ({@link #tryDutyCycle()}) instead of waiting
 * for a timer. A lock keeps the invoker single-threaded, as Aeron requires. Its directory is unique per node, deleted on start and on close, so a crashed
 * run leaves nothing that the next one trips on.
 *
 * <p>The node owns the pool of IPC streams its flows' ports lease ({@link #ipcStreams()}), and closes it, then
 * the client, then the driver. Thread-safe; close once.
 */
public final class MediaDriverNode implements AutoCloseable {
    private static final AtomicInteger NODE_COUNTER = new AtomicInteger();

    private final Context context;
    private final MediaDriver driver;
    private final AgentInvoker invoker;
    private final ReentrantLock invokerLock = new ReentrantLock();
    private final Thread driverThread;
    private volatile boolean running = true;
    /** Set by {@link #wakeDriver()}, cleared by the driver thread. */
    private volatile boolean woken;
    private final IpcStreamPool ipcStreams;
    private Aeron aeron;

    private MediaDriverNode(Context context, MediaDriver driver) {
        this.context = context;
        this.driver = driver;
        this.ipcStreams = new IpcStreamPool(this, context.maxIdleIpcStreams(), context.maxIdleIpcLogBytes());
        this.invoker = driver.sharedAgentInvoker();
        this.driverThread = new Thread(this::runDriver, "flowswitch-driver");
        this.driverThread.setDaemon(true);
    }

    private void runDriver() {
        final IdleStrategy busy = new BackoffIdleStrategy(1, 1, context.minParkNs(), context.maxParkNs());
        final IdleStrategy quiet = new BackoffIdleStrategy(1, 1, context.minParkNs(), context.quietParkNs());
        while (running) {
            int work = 0;
            invokerLock.lock();
            try {
                if (running) {
                    work = invoker.invoke();
                }
            } finally {
                invokerLock.unlock();
            }
            if (ipcStreams.anyLeased()) {
                busy.idle(work);
            } else {
                if (woken) {
                    // A lease is coming: back off from the shortest park again, not from the longest.
                    woken = false;
                    quiet.reset();
                }
                quiet.idle(work);
            }
        }
    }

    /**
     * Ends the driver thread's park now, for a stream about to be leased (and perhaps opened: an Aeron add waits for
     * the driver's conductor). Any thread; cheap.
     */
    public void wakeDriver() {
        woken = true;
        LockSupport.unpark(driverThread);
    }

    /**
     * Runs one driver duty cycle on the caller's thread unless another thread is running one now.
     * Cheap when there is nothing to do; never blocks.
     *
     * @return whether a cycle ran
     */
    public boolean tryDutyCycle() {
        if (invokerLock.tryLock()) {
            try {
                if (running) {
                    invoker.invoke();
                    return true;
                }
            } finally {
                invokerLock.unlock();
            }
        }
        return false;
    }

    /** Starts a driver and a client with the given settings; on failure closes what it started. */
    public static MediaDriverNode launch(Context context) {
        context.conclude();
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(context.aeronDirectoryName())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.INVOKER)
            .ipcTermBufferLength(context.defaultIpcTermLengthBytes())
            .ipcMtuLength(Context.IPC_MTU_BYTES)
            .printConfigurationOnStart(false)
            .warnIfDirectoryExists(false);
        MediaDriverNode node = null;
        try {
            node = new MediaDriverNode(context, MediaDriver.launchEmbedded(driverContext));
            node.driverThread.start();
            node.aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(node.driver.aeronDirectoryName())
                .idleStrategy(new SleepingMillisIdleStrategy(1)));
            if (context.prewarmIpcStreams() > 0) {
                // In the background: the node is ready now, and the first flows find the streams connected.
                node.ipcStreams.prewarm(context.prewarmIpcStreams(), context.prewarmPortCapacityChunks(),
                    context.prewarmMaxPayloadBytes());
            }
            return node;
        } catch (RuntimeException e) {
            CloseHelper.quietClose(node);
            IoUtil.delete(new File(context.aeronDirectoryName()), true);
            throw e;
        }
    }

    /** Starts a node with default settings. */
    public static MediaDriverNode launch() {
        return launch(new Context());
    }

    public Aeron aeron() {
        return aeron;
    }

    public String aeronDirectoryName() {
        return context.aeronDirectoryName();
    }

    /** The IPC streams of this node's data ports, connected and kept between flows. */
    public IpcStreamPool ipcStreams() {
        return ipcStreams;
    }

    public Context context() {
        return context;
    }

    /**
     * Closes the idle streams of the pool, the client, stops the driver thread, closes the driver, then removes
     * the driver directory.
     */
    @Override
    public void close() {
        CloseHelper.quietClose(ipcStreams);
        CloseHelper.quietClose(aeron);
        invokerLock.lock();
        try {
            running = false;
        } finally {
            invokerLock.unlock();
        }
        LockSupport.unpark(driverThread);
        try {
            driverThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(driver);
        IoUtil.delete(new File(context.aeronDirectoryName()), true);
    }

    /** Settings of a node's driver, with defaults; {@link #conclude()} validates them. */
    public static final class Context {
        /** The largest IPC MTU: leaves 65 472 bytes of payload per frame, so 32 KiB chunks fit tryClaim. */
        public static final int IPC_MTU_BYTES = 65_504;
        public static final int DEFAULT_IPC_TERM_LENGTH_BYTES = 1024 * 1024;
        public static final long DEFAULT_MIN_PARK_NS = 10_000;
        public static final long DEFAULT_MAX_PARK_NS = 100_000;
        /** Aeron's own back-off ceiling: an idle node's driver thread then costs ~1 % of a core. */
        public static final long DEFAULT_QUIET_PARK_NS = 1_000_000;
        /** Enough for four flows of four Aeron edges kept warm. */
        public static final int DEFAULT_MAX_IDLE_IPC_STREAMS = 16;
        /** Sixteen streams of a 4 MiB term (three terms each) fit; five of the 16 MiB term of 32 chunks of 64 KiB. */
        public static final long DEFAULT_MAX_IDLE_IPC_LOG_BYTES = 256L * 1024 * 1024;
        /** A bound on idle streams; more than a node's /dev/shm would hold in any sane setting. */
        public static final int MAX_IDLE_IPC_STREAMS_LIMIT = 4096;
        /** The shape of a pre-warmed stream by default: a port of 32 chunks of 64 KiB, head- and tailroom included. */
        public static final int DEFAULT_PREWARM_PORT_CAPACITY_CHUNKS = 32;
        public static final int DEFAULT_PREWARM_MAX_PAYLOAD_BYTES =
            FlowContext.DEFAULT_CHUNK_BYTES + Chunk.HEADROOM + Chunk.TAILROOM;

        private String aeronDirectoryName;
        private int defaultIpcTermLengthBytes = DEFAULT_IPC_TERM_LENGTH_BYTES;
        private long minParkNs = DEFAULT_MIN_PARK_NS;
        private long maxParkNs = DEFAULT_MAX_PARK_NS;
        private long quietParkNs = DEFAULT_QUIET_PARK_NS;
        private int maxIdleIpcStreams = DEFAULT_MAX_IDLE_IPC_STREAMS;
        private long maxIdleIpcLogBytes = DEFAULT_MAX_IDLE_IPC_LOG_BYTES;
        private int prewarmIpcStreams;
        private int prewarmPortCapacityChunks = DEFAULT_PREWARM_PORT_CAPACITY_CHUNKS;
        private int prewarmMaxPayloadBytes = DEFAULT_PREWARM_MAX_PAYLOAD_BYTES;

        public String aeronDirectoryName() {
            return aeronDirectoryName;
        }

        /** Defaults to a directory unique to this process and node, beside Aeron's default directory. */
        public Context aeronDirectoryName(String value) {
            this.aeronDirectoryName = value;
            return this;
        }

        public int defaultIpcTermLengthBytes() {
            return defaultIpcTermLengthBytes;
        }

        public Context defaultIpcTermLengthBytes(int value) {
            this.defaultIpcTermLengthBytes = value;
            return this;
        }

        public long minParkNs() {
            return minParkNs;
        }

        public Context minParkNs(long value) {
            this.minParkNs = value;
            return this;
        }

        public long maxParkNs() {
            return maxParkNs;
        }

        public Context maxParkNs(long value) {
            this.maxParkNs = value;
            return this;
        }

        public long quietParkNs() {
            return quietParkNs;
        }

        /**
         * The longest park of the driver thread while no flow holds one of the node's streams; {@code maxParkNs}
         * for the old behaviour. At least {@code maxParkNs}.
         */
        public Context quietParkNs(long value) {
            this.quietParkNs = value;
            return this;
        }

        public int maxIdleIpcStreams() {
            return maxIdleIpcStreams;
        }

        /** Connected IPC streams kept between flows, at most; 0 opens and closes a stream per port. */
        public Context maxIdleIpcStreams(int value) {
            this.maxIdleIpcStreams = value;
            return this;
        }

        public long maxIdleIpcLogBytes() {
            return maxIdleIpcLogBytes;
        }

        /** Log bytes (three terms a stream) of the idle streams, at most. */
        public Context maxIdleIpcLogBytes(long value) {
            this.maxIdleIpcLogBytes = value;
            return this;
        }

        public int prewarmIpcStreams() {
            return prewarmIpcStreams;
        }

        /**
         * Streams opened in the background right after start and kept idle (within the pool's bounds), so that the
         * node's first flows with Aeron edges do not wait for the driver; 0 (the default here) opens none. No more
         * are opened than the pool's bounds keep idle.
         */
        public Context prewarmIpcStreams(int value) {
            this.prewarmIpcStreams = value;
            return this;
        }

        public int prewarmPortCapacityChunks() {
            return prewarmPortCapacityChunks;
        }

        public int prewarmMaxPayloadBytes() {
            return prewarmMaxPayloadBytes;
        }

        /** The port the pre-warmed streams are shaped for: its capacity and its largest payload (with head- and tailroom). */
        public Context prewarmShape(int portCapacityChunks, int maxPayloadBytes) {
            this.prewarmPortCapacityChunks = portCapacityChunks;
            this.prewarmMaxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /** Fills in defaults and checks every value; throws {@link IllegalArgumentException} naming the setting. */
        public Context conclude() {
            if (aeronDirectoryName == null) {
                aeronDirectoryName = CommonContext.getAeronDirectoryName() + "-flowswitch-"
                    + ProcessHandle.current().pid() + "-" + NODE_COUNTER.incrementAndGet();
            }
            if (Integer.bitCount(defaultIpcTermLengthBytes) != 1 || defaultIpcTermLengthBytes < 64 * 1024) {
                throw new IllegalArgumentException(
                    "defaultIpcTermLengthBytes must be a power of two >= 64 KiB, got " + defaultIpcTermLengthBytes);
            }
            if (minParkNs <= 0 || maxParkNs < minParkNs) {
                throw new IllegalArgumentException(
                    "park periods must satisfy 0 < minParkNs <= maxParkNs, got " + minParkNs + ", " + maxParkNs);
            }
            if (quietParkNs < maxParkNs) {
                throw new IllegalArgumentException(
                    "quietParkNs must be >= maxParkNs (" + maxParkNs + "), got " + quietParkNs);
            }
            if (maxIdleIpcStreams < 0 || maxIdleIpcStreams > MAX_IDLE_IPC_STREAMS_LIMIT) {
                throw new IllegalArgumentException("maxIdleIpcStreams must be between 0 and "
                    + MAX_IDLE_IPC_STREAMS_LIMIT + ", got " + maxIdleIpcStreams);
            }
            if (maxIdleIpcLogBytes < 0) {
                throw new IllegalArgumentException("maxIdleIpcLogBytes must be >= 0, got " + maxIdleIpcLogBytes);
            }
            if (prewarmIpcStreams < 0) {
                throw new IllegalArgumentException("prewarmIpcStreams must be >= 0, got " + prewarmIpcStreams);
            }
            if (prewarmPortCapacityChunks < 1 || prewarmMaxPayloadBytes < 1) {
                throw new IllegalArgumentException("the pre-warmed streams' port needs a capacity and a payload >= 1, got "
                    + prewarmPortCapacityChunks + " chunks of " + prewarmMaxPayloadBytes + " bytes");
            }
            return this;
        }
    }
}
