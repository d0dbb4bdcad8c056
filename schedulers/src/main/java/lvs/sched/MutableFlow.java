package lvs.sched;

/** A reusable {@link FlowView} for tests, benchmarks and callers without a flow key of their own. */
public final class MutableFlow implements FlowView {
    private int addressFamily = DestinationView.AF_INET;
    private int protocol = PROTOCOL_TCP;
    private final int[] source = new int[4];
    private final int[] destination = new int[4];
    private int sourcePort;
    private int destinationPort;

    /** Sets an IPv4 TCP flow; returns this for chaining. */
    public MutableFlow ipv4(int sourceAddress, int fromPort, int destinationAddress, int toPort) {
        addressFamily = DestinationView.AF_INET;
        source[0] = sourceAddress;
        destination[0] = destinationAddress;
        sourcePort = fromPort;
        destinationPort = toPort;
        return this;
    }

    public MutableFlow ipv6(int[] sourceWords, int fromPort, int[] destinationWords, int toPort) {
        addressFamily = DestinationView.AF_INET6;
        System.arraycopy(sourceWords, 0, source, 0, 4);
        System.arraycopy(destinationWords, 0, destination, 0, 4);
        sourcePort = fromPort;
        destinationPort = toPort;
        return this;
    }

    public MutableFlow protocol(int ipProtocol) {
        protocol = ipProtocol;
        return this;
    }

    public MutableFlow sourceIpv4(int sourceAddress) {
        source[0] = sourceAddress;
        return this;
    }

    public MutableFlow destinationIpv4(int destinationAddress) {
        destination[0] = destinationAddress;
        return this;
    }

    public MutableFlow sourcePort(int fromPort) {
        sourcePort = fromPort;
        return this;
    }

    @Override public int addressFamily() { return addressFamily; }
    @Override public int protocol() { return protocol; }
    @Override public int sourceIpv4Address() { return source[0]; }
    @Override public int sourceIpv6AddressWord(int word) { return source[word]; }
    @Override public int sourcePort() { return sourcePort; }
    @Override public int destinationIpv4Address() { return destination[0]; }
    @Override public int destinationIpv6AddressWord(int word) { return destination[word]; }
    @Override public int destinationPort() { return destinationPort; }
}
