package io.flowswitch.devices;

import java.util.List;

/** The list of device kinds that ship with flowswitch; one line per kind. */
final class BuiltInDevices {
    private BuiltInDevices() {
    }

    static List<DeviceKind> kinds() {
        return List.of();
    }
}
