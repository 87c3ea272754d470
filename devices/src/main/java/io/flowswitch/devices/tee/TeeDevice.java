package io.flowswitch.devices.tee;

import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * A tee (kind {@code tee}): every input chunk is lent to the branch sink, then leaves unchanged as
 * output.
 *
 * <p>Sharing a chunk between two branches: the tee neither copies a chunk nor counts references to it.
 * A sink only borrows a chunk for the length of {@link SinkDevice#write} (its caller keeps ownership),
 * so the tee owns each chunk from {@code accept} to {@code poll}, lends it to the branch in between and
 * then passes it on, as the only owner it ever was. Nothing is lost: the main stream sees a chunk only
 * after the branch took it. Back pressure comes from the slower branch by construction: the branch's
 * write runs on the tee's thread, so a slow branch slows the stage, and the stage's demand slows the
 * source; a slow main path stops the tee's demand, and with it the branch. The price is that the branch
 * does not overlap with the stages after the tee; a branch on a thread of its own would need either a
 * copy of every chunk or a reference count in {@link Chunk}, for a gain only where the branch is slower
 * than memory copies are cheap.
 *
 * <p>End and failure: at end of input the branch is finished (a file branch is published); a tee that is
 * closed before its end of input aborts the branch (a partial file is removed). Results are the
 * branch's, e.g. {@code sha256 -> hex}. Not thread-safe: one stage thread drives it.
 */
public final class TeeDevice extends InPlaceTransform {
    private final SinkDevice branch;
    private boolean finished;

    /** @param branch owned by the tee from now on: it finishes, aborts and closes it */
    TeeDevice(SinkDevice branch) {
        this.branch = branch;
    }

    /** Lends {@code chunk} to the branch for the write; the tee keeps ownership and passes it on. */
    @Override
    protected void process(Chunk chunk) {
        branch.write(chunk);
    }

    @Override
    protected void onEnd() {
        branch.finish();
        finished = true;
    }

    @Override
    public Map<String, String> results() {
        return branch.results();
    }

    @Override
    public void close() {
        try {
            if (!finished) {
                branch.abort(new IllegalStateException("the flow ended before the tee's end of input"));
            }
            branch.close();
        } finally {
            super.close();
        }
    }
}
