package lvs.table;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** What the sync daemon start needs to know about the host's interfaces; replaceable in tests. */
@FunctionalInterface
public interface NetworkInterfaces {
    /** The interface's MTU, or empty when no interface has that name (the kernel's ENODEV). */
    OptionalInt mtu(String name);

    /**
     * The interfaces of this process's network namespace (as {@code if_nametoindex} sees them); the
     * MTU is read from {@code /sys/class/net/IF/mtu} as the oracle does, else asked of the interface,
     * else 1500.
     */
    static NetworkInterfaces system() {
        return name -> {
            if (name.isEmpty()) {
                return OptionalInt.empty();
            }
            NetworkInterface nif;
            try {
                nif = NetworkInterface.getByName(name);
            } catch (SocketException e) {
                return OptionalInt.empty();
            }
            if (nif == null) {
                return OptionalInt.empty();
            }
            try {
                return OptionalInt.of(Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "mtu")).trim()));
            } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException e) {
                try {
                    int mtu = nif.getMTU();
                    return OptionalInt.of(mtu > 0 ? mtu : 1500);
                } catch (SocketException e2) {
                    return OptionalInt.of(1500);
                }
            }
        };
    }
}
