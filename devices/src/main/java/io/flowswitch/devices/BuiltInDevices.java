package io.flowswitch.devices;

import io.flowswitch.devices.accel.AesCardKind;
import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.devices.compress.GunzipKind;
import io.flowswitch.devices.crypto.AesGcmDecryptKind;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.devices.compress.GzipKind;
import io.flowswitch.devices.digest.Crc32cKind;
import io.flowswitch.devices.digest.Sha256Kind;
import io.flowswitch.devices.file.FileSinkKind;
import io.flowswitch.devices.file.FileSourceKind;
import io.flowswitch.devices.tcp.TcpSinkKind;
import io.flowswitch.devices.tcp.TcpSourceKind;
import java.util.List;

/** The list of device kinds that ship with flowswitch; one line per kind. */
final class BuiltInDevices {
    private BuiltInDevices() {
    }

    static List<DeviceKind> kinds() {
        return List.of(
            new FileSourceKind(),
            new TcpSourceKind(),
            new AesGcmEncryptKind(),
            new AesGcmDecryptKind(),
            new Sha256Kind(),
            new Crc32cKind(),
            new GzipKind(),
            new GunzipKind(),
            new RateLimitKind(),
            new AesCardKind(),
            new FileSinkKind(),
            new TcpSinkKind());
    }
}
