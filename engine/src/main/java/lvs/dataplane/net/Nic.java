package lvs.dataplane.net;

/**
 * One network interface of lvsd's namespace as the data plane uses it.
 *
 * @param name     kernel name, e.g. {@code eth0}
 * @param index    kernel ifindex
 * @param mac      hardware address in the low 48 bits, first byte most significant
 * @param mtu      link MTU
 * @param ipv4     the interface's IPv4 addresses, host order (may be empty)
 * @param ipv6     the interface's IPv6 addresses as (hi, lo) pairs, global ones first (may be empty)
 */
public record Nic(String name, int index, long mac, int mtu, int[] ipv4, long[] ipv6) {
    public Nic {
        ipv4 = ipv4.clone();
        ipv6 = ipv6.clone();
    }

    /** An interface without IPv6 addresses. */
    public Nic(String name, int index, long mac, int mtu, int[] ipv4) {
        this(name, index, mac, mtu, ipv4, new long[0]);
    }

    /** The first IPv4 address, used as the sender address of our ARP requests; 0 if none. */
    public int primaryIpv4() {
        return ipv4.length == 0 ? 0 : ipv4[0];
    }

    public boolean hasIpv4(int address) {
        for (int a : ipv4) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** True when the interface has IPv6 addresses (the source of our neighbour solicitations). */
    public boolean hasAnyIpv6() {
        return ipv6.length != 0;
    }

    /** High half of the first IPv6 address (the source of our neighbour solicitations). */
    public long primaryIpv6Hi() {
        return ipv6.length == 0 ? 0 : ipv6[0];
    }

    public long primaryIpv6Lo() {
        return ipv6.length == 0 ? 0 : ipv6[1];
    }

    public boolean hasIpv6(long hi, long lo) {
        for (int i = 0; i + 1 < ipv6.length; i += 2) {
            if (ipv6[i] == hi && ipv6[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] ipv4() {
        return ipv4.clone();
    }

    @Override
    public long[] ipv6() {
        return ipv6.clone();
    }
}
