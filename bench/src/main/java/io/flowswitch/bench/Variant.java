package io.flowswitch.bench;

import java.nio.file.Path;

/**
 * One way of encrypting a file that {@link EncryptFileBench} measures side by side with the others.
 * A variant is used by the harness's thread only; whatever threads it starts are its own business.
 */
interface Variant {
    /** Short name in the table, e.g. {@code "a"} or {@code "c-x2"}. */
    String name();

    /** One line: what the variant does. */
    String description();

    /** Why the variant cannot run in this build or on this node, or {@code null} when it can. */
    default String unavailableReason() {
        return null;
    }

    /**
     * Whether the variant overwrites a pre-allocated output in place. Otherwise the harness deletes the
     * output after every run, so each run writes a new file.
     */
    default boolean overwritesOutput() {
        return false;
    }

    /** Makes {@code out} ready before a run, outside the timing; by default it must not exist. */
    void prepare(Path out, long inputBytes) throws Exception;

    /**
     * Encrypts {@code in} into {@code out} and returns when {@code out} is complete.
     *
     * @return the time the data plane itself reported, when the variant knows one; otherwise -1
     */
    long run(Path in, Path out) throws Exception;

    /** What the last successful run reported about its parts (e.g. time busy per stage), or {@code null}. */
    default String lastRunBreakdown() {
        return null;
    }

    /** The exact size {@code out} must have for an input of {@code inputBytes}, or -1 when the format is not known here. */
    long expectedOutputBytes(long inputBytes);

    /**
     * Decrypts {@code out} (using {@code scratch} if it needs a file) and returns the SHA-256 of the plaintext,
     * so that a fast but wrong output cannot pass.
     */
    byte[] decryptedSha256(Path out, Path scratch) throws Exception;
}
