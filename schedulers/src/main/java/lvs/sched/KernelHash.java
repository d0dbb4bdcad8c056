package lvs.sched;

/** The kernel's small hash helpers shared by lblc, lblcr, dh and sh. */
final class KernelHash {
    /** GOLDEN_RATIO_32 from include/linux/hash.h. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private KernelHash() {
    }

    /** {@code hash_32(value, bits)}: multiply by the golden ratio and keep the top {@code bits} bits. */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /** {@code ntohl(fold(saddr))}: the client address, IPv6 folded by XOR of its four words. */
    static int foldedSource(FlowView flow) {
        if (flow.addressFamily() == DestinationView.AF_INET6) {
            return flow.sourceIpv6AddressWord(0) ^ flow.sourceIpv6AddressWord(1)
                ^ flow.sourceIpv6AddressWord(2) ^ flow.sourceIpv6AddressWord(3);
        }
        return flow.sourceIpv4Address();
    }

    /** {@code ntohl(fold(daddr))}: the packet's destination address, folded the same way. */
    static int foldedDestination(FlowView flow) {
        if (flow.addressFamily() == DestinationView.AF_INET6) {
            return flow.destinationIpv6AddressWord(0) ^ flow.destinationIpv6AddressWord(1)
                ^ flow.destinationIpv6AddressWord(2) ^ flow.destinationIpv6AddressWord(3);
        }
        return flow.destinationIpv4Address();
    }

    /** The destination's own address folded with the service's family (mh hashes servers with svc->af). */
    static int foldedDestinationAddress(DestinationView dests, int index) {
        if (dests.addressFamily() == DestinationView.AF_INET6) {
            return dests.ipv6AddressWord(index, 0) ^ dests.ipv6AddressWord(index, 1)
                ^ dests.ipv6AddressWord(index, 2) ^ dests.ipv6AddressWord(index, 3);
        }
        return dests.ipv4Address(index);
    }

    /**
     * The client port that sh-port/mh-port mix in: the source port for TCP, UDP and SCTP, else 0; and 0
     * when the flag is off.
     */
    static int hashedSourcePort(FlowView flow, boolean usePort) {
        if (!usePort) {
            return 0;
        }
        int protocol = flow.protocol();
        boolean hasPorts = protocol == FlowView.PROTOCOL_TCP || protocol == FlowView.PROTOCOL_UDP
            || protocol == FlowView.PROTOCOL_SCTP;
        return hasPorts ? flow.sourcePort() & 0xffff : 0;
    }
}
