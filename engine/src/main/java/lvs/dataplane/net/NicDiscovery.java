package lvs.dataplane.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the interfaces of the current network namespace (the JVM's) from {@code /sys/class/net}.
 * Control path only. {@link NetworkInterface#getNetworkInterfaces()} was seen to miss an interface
 * right after it came up, so the list comes from sysfs, the IPv4 addresses from the JDK and the IPv6
 * ones from {@code /proc/net/if_inet6}.
 */
public final class NicDiscovery {
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOOPBACK = 0x8;
    private static final int ARPHRD_ETHER = 1;

    private NicDiscovery() {
    }

    /** Every Ethernet interface that is up and not loopback. */
    public static List<Nic> usableInterfaces() {
        List<Nic> nics = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(SYS_NET)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                int flags = readInt(dir.resolve("flags"));
                if ((flags & IFF_UP) == 0 || (flags & IFF_LOOPBACK) != 0) {
                    continue;
                }
                Nic nic = byName(dir.getFileName().toString());
                if (nic != null) {
                    nics.add(nic);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        nics.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return nics;
    }

    /** The named Ethernet interface, or null if it does not exist or is not Ethernet. */
    public static Nic byName(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            return null;
        }
        Path dir = SYS_NET.resolve(name);
        try {
            if (readInt(dir.resolve("type")) != ARPHRD_ETHER) {
                return null;
            }
            long mac = Long.parseLong(Files.readString(dir.resolve("address")).trim().replace(":", ""), 16);
            return new Nic(name, readInt(dir.resolve("ifindex")), mac, readInt(dir.resolve("mtu")), ipv4Of(name),
                Ipv6Addresses.of(name));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static int readInt(Path file) throws IOException {
        return Integer.decode(Files.readString(file).trim());
    }

    private static int[] ipv4Of(String name) {
        List<Integer> v4 = new ArrayList<>();
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            if (ni != null) {
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof Inet4Address a) {
                        byte[] x = a.getAddress();
                        v4.add((x[0] & 0xff) << 24 | (x[1] & 0xff) << 16 | (x[2] & 0xff) << 8 | (x[3] & 0xff));
                    }
                }
            }
        } catch (SocketException e) {
            // no addresses known: ARP requests then go out with sender address 0 (RFC 5227 probe style)
        }
        return v4.stream().mapToInt(Integer::intValue).toArray();
    }
}
