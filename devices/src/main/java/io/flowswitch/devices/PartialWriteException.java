package io.flowswitch.devices;

/**
 * A sink's write failed after it had taken the first {@link #writtenBytes()} bytes of the chunk's payload
 * (a disk that filled in the middle of a write). Whoever writes the chunk again must give the sink only
 * the rest, or those bytes would be in the output twice.
 */
public class PartialWriteException extends DeviceException {
    private static final long serialVersionUID = 1L;

    private final int writtenBytes;

    public PartialWriteException(String code, String message, int writtenBytes, Throwable cause) {
        super(code, message, cause);
        if (writtenBytes < 0) {
            throw new IllegalArgumentException("written bytes must be >= 0, got " + writtenBytes);
        }
        this.writtenBytes = writtenBytes;
    }

    /** Bytes of the failed chunk's payload the sink took before it failed. */
    public int writtenBytes() {
        return writtenBytes;
    }

    /** How many bytes of the chunk {@code failure} says went in: 0 unless it is a partial write. */
    public static int writtenBytes(DeviceException failure) {
        return failure instanceof PartialWriteException partial ? partial.writtenBytes : 0;
    }
}
