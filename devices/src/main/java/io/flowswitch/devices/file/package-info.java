/**
 * File devices: {@code file-source} ({@link io.flowswitch.devices.file.FileSourceKind}) reads a file with
 * positional reads straight into chunk arrays; {@code file-sink} ({@link io.flowswitch.devices.file.FileSinkKind})
 * writes a hidden partial file and publishes it by an atomic rename when the flow completes.
 * {@link io.flowswitch.devices.file.FileReference} is their software reference.
 */
package io.flowswitch.devices.file;
