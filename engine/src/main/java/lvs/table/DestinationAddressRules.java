package lvs.table;

import lvs.model.InetAddress;

/**
 * The kernel accepts only unicast real-server addresses ({@code ip_vs_new_dest}: {@code inet_addr_type}
 * for IPv4, {@code ipv6_addr_type} for IPv6). Like the oracle, this ignores the parts that depend on
 * the host's own addresses (local subnet broadcasts, configured link-local addresses).
 */
final class DestinationAddressRules {
    private DestinationAddressRules() {
    }

    static boolean isAcceptable(InetAddress address) {
        return address.isIpv6() ? ipv6Acceptable(address) : ipv4Acceptable(address.ipv4());
    }

    private static boolean ipv4Acceptable(int a) {
        if ((a & 0xff000000) == 0) {
            return false; // 0.0.0.0/8 is "this network": a broadcast type
        }
        if (a == 0xffffffff) {
            return false; // limited broadcast
        }
        return (a & 0xf0000000) != 0xe0000000; // multicast
    }

    private static boolean ipv6Acceptable(InetAddress x) {
        int w0 = x.word(0);
        int top3 = w0 & 0xe0000000;
        if (top3 != 0 && top3 != 0xe0000000) {
            return true; // global unicast ranges 2000::/3 .. c000::/3
        }
        if ((w0 & 0xff000000) == 0xff000000) {
            return false; // multicast
        }
        if ((w0 & 0xffc00000) == 0xfe800000) {
            return false; // link-local
        }
        if ((w0 & 0xffc00000) == 0xfec00000 || (w0 & 0xfe000000) == 0xfc000000) {
            return true; // site-local, unique local
        }
        if (w0 == 0 && x.word(1) == 0) {
            if (x.word(2) == 0) {
                return x.word(3) != 0; // :: is not unicast; ::1 and IPv4-compatible are
            }
            if (x.word(2) == 0x0000ffff) {
                return false; // IPv4-mapped
            }
        }
        return true;
    }
}
