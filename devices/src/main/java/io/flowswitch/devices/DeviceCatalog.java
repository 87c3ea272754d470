package io.flowswitch.devices;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The device kinds a node knows, by name. Immutable and thread-safe. */
public final class DeviceCatalog {
    private final Map<String, DeviceKind> kinds;

    public DeviceCatalog(List<DeviceKind> kinds) {
        final Map<String, DeviceKind> byName = new LinkedHashMap<>();
        for (DeviceKind kind : kinds) {
            if (byName.put(kind.name(), kind) != null) {
                throw new IllegalArgumentException("two device kinds named '" + kind.name() + "'");
            }
        }
        this.kinds = Collections.unmodifiableMap(byName);
    }

    /** Every device kind that ships with flowswitch. */
    public static DeviceCatalog builtIn() {
        return new DeviceCatalog(BuiltInDevices.kinds());
    }

    public Optional<DeviceKind> find(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    public Collection<DeviceKind> kinds() {
        return kinds.values();
    }

    /** Names of kinds with the given role, for messages such as "known sources: file-source, tcp-source". */
    public List<String> names(DeviceRole role) {
        return kinds.values().stream().filter(k -> k.role() == role).map(DeviceKind::name).toList();
    }
}
