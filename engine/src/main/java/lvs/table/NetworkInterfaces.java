package lvs.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** What the sync daemon start needs to know about the host's interfaces; replaceable in tests. */
@FunctionalInterface
public interface NetworkInterfaces {
    /** The interface's MTU, or empty when no interface has that name (the kernel's ENODEV). */
    OptionalInt mtu(String name);

    /**
     * The interfaces of this process's network namespace as {@code if_nametoindex} sees them: every
     * entry of {@code /sys/class/net}, with or without addresses. ({@link java.net.NetworkInterface}
     * is no substitute: on Linux it only finds interfaces that carry an address.) The MTU comes from
     * {@code /sys/class/net/IF/mtu}, as the oracle reads it.
     */
    static NetworkInterfaces system() {
        return name -> {
            if (!isPlausibleInterfaceName(name)) {
                return OptionalInt.empty();
            }
            Path dir = Path.of("/sys/class/net", name);
            if (!Files.isDirectory(dir)) {
                return OptionalInt.empty();
            }
            try {
                return OptionalInt.of(Integer.parseInt(Files.readString(dir.resolve("mtu")).trim()));
            } catch (IOException | NumberFormatException e) {
                return OptionalInt.of(1500);
            }
        };
    }

    /** Kernel interface names: 1..15 bytes, no '/', no whitespace, not "." or "..". */
    private static boolean isPlausibleInterfaceName(String name) {
        if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
