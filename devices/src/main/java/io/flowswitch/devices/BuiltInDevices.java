package io.flowswitch.devices;

import io.flowswitch.devices.accel.AesCardKind;
import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.devices.compress.GunzipKind;
import io.flowswitch.devices.compress.GzipKind;
import io.flowswitch.devices.crypto.AesGcmDecryptKind;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.devices.digest.Crc32cKind;
import io.flowswitch.devices.digest.Sha256Kind;
import io.flowswitch.devices.digest.Sha256SinkKind;
import io.flowswitch.devices.file.FileRegionSourceKind;
import io.flowswitch.devices.file.FileSinkKind;
import io.flowswitch.devices.file.FileSourceKind;
import io.flowswitch.devices.frame.DeframeKind;
import io.flowswitch.devices.frame.FrameKind;
import io.flowswitch.devices.link.AesGcmTcpSinkKind;
import io.flowswitch.devices.link.PipeSinkKind;
import io.flowswitch.devices.link.PipeSourceKind;
import io.flowswitch.devices.pass.PassKind;
import io.flowswitch.devices.split.JoinKind;
import io.flowswitch.devices.split.SplitKind;
import io.flowswitch.devices.tcp.TcpSinkKind;
import io.flowswitch.devices.tcp.TcpSourceKind;
import io.flowswitch.devices.tee.TeeKind;
import io.flowswitch.devices.tls.TlsSinkKind;
import io.flowswitch.devices.tls.TlsSourceKind;
import java.util.List;

/** The list of device kinds that ship with flowswitch; one line per kind. */
final class BuiltInDevices {
    private BuiltInDevices() {
    }

    static List<DeviceKind> kinds() {
        final List<DeviceKind> sinks = List.of(new FileSinkKind(), new TcpSinkKind(), new Sha256SinkKind());
        final List<DeviceKind> passThrough = List.of(new Sha256Kind(), new Crc32cKind(), new RateLimitKind(),
            new AesGcmEncryptKind());
        return List.of(
            new FileSourceKind(),
            new TcpSourceKind(),
            new FileRegionSourceKind(),
            new TlsSourceKind(),
            new PipeSourceKind(),
            passThrough.get(3),
            new AesGcmDecryptKind(),
            passThrough.get(0),
            passThrough.get(1),
            new GzipKind(),
            new GunzipKind(),
            passThrough.get(2),
            new AesCardKind(),
            new FrameKind(),
            new DeframeKind(),
            new SplitKind(),
            new JoinKind(),
            new TeeKind(sinks),
            new PassKind(passThrough),
            sinks.get(0),
            sinks.get(1),
            sinks.get(2),
            new TlsSinkKind(),
            new AesGcmTcpSinkKind(),
            new PipeSinkKind());
    }
}
