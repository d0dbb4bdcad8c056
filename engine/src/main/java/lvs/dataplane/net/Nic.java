package lvs.dataplane.net;

/**
 * One network interface of lvsd's namespace as the data plane uses it.
 *
 * @param name     kernel name, e.g. {@code eth0}
 * @param index    kernel ifindex
 * @param mac      hardware address in the low 48 bits, first byte most significant
 * @param mtu      link MTU
 * @param ipv4     the interface's IPv4 addresses, host order (may be empty)
 */
public record Nic(String name, int index, long mac, int mtu, int[] ipv4) {
    public Nic {
        ipv4 = ipv4.clone();
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

    @Override
    public int[] ipv4() {
        return ipv4.clone();
    }
}
