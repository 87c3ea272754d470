/**
 * AES-256-GCM encryption of a flow into the flowswitch encrypted stream format
 * ({@code docs/encrypted-format.md}): the {@code aes-gcm-encrypt} and {@code aes-gcm-decrypt} device kinds,
 * their software reference {@link io.flowswitch.devices.crypto.AesGcmReference}, and flyweights over the
 * format's headers.
 *
 * <p>Both devices work on heap arrays (the JDK's GCM is faster heap to heap than direct to direct) and
 * reuse one {@link javax.crypto.Cipher} per instance, warmed once per JVM.
 */
package io.flowswitch.devices.crypto;
