package lvs.dataplane.net;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lists the interfaces of the current network namespace (the JVM's). Control path only.
 */
public final class NicDiscovery {
    private NicDiscovery() {
    }

    /** Every interface that is up, not loopback and has an Ethernet address. */
    public static List<Nic> usableInterfaces() {
        List<Nic> nics = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                Nic nic = describe(ni);
                if (nic != null && ni.isUp() && !ni.isLoopback()) {
                    nics.add(nic);
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        nics.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return nics;
    }

    /** The named interface, or null if it does not exist or has no Ethernet address. */
    public static Nic byName(String name) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            return ni == null ? null : describe(ni);
        } catch (SocketException e) {
            return null;
        }
    }

    private static Nic describe(NetworkInterface ni) throws SocketException {
        byte[] hw = ni.getHardwareAddress();
        if (hw == null || hw.length != 6) {
            return null;
        }
        long mac = 0;
        for (byte b : hw) {
            mac = mac << 8 | (b & 0xff);
        }
        List<Integer> v4 = new ArrayList<>();
        for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
            if (ia.getAddress() instanceof Inet4Address a) {
                byte[] x = a.getAddress();
                v4.add((x[0] & 0xff) << 24 | (x[1] & 0xff) << 16 | (x[2] & 0xff) << 8 | (x[3] & 0xff));
            }
        }
        int[] addresses = v4.stream().mapToInt(Integer::intValue).toArray();
        return new Nic(ni.getName(), ni.getIndex(), mac, ni.getMTU(), addresses);
    }
}
