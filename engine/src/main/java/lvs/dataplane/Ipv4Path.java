package lvs.dataplane;

import java.nio.ByteOrder;
import lvs.conn.ConnectionTable;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.packet.FlowKey;
import lvs.snapshot.TableSnapshot;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@link AddressFamilyPath} for IPv4: 32-bit addresses (the low half of FlowKey's pair), the IPv4
 * routes, ARP for next hops, the forwarders' IPv4 signatures, and ICMP (not ICMPv6) errors with an
 * IPv4 ID of their own. Data-plane thread only; no allocation.
 */
final class Ipv4Path extends AddressFamilyPath {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    /** Fragment offset bits of the IPv4 flags/fragment word. */
    private static final int FRAGMENT_OFFSET = 0x1FFF;

    private final NeighbourTable neighbours;
    private final ArpAgent arp;
    private int icmpId;

    Ipv4Path(NeighbourTable neighbours, ArpAgent arp) {
        this.neighbours = neighbours;
        this.arp = arp;
    }

    @Override
    int family() {
        return ConnectionTable.AF_INET;
    }

    @Override
    int service(TableSnapshot s, FlowKey flow) {
        return s.service(flow.protocol(), flow.dstIpv4(), flow.dstPort());
    }

    @Override
    int route(TableSnapshot s, long hi, long lo) {
        return s.routes.lookup((int) lo);
    }

    @Override
    int interfaceIndex(TableSnapshot s, int route) {
        return s.routes.interfaceIndex(route);
    }

    @Override
    long nextHopMac(TableSnapshot s, int route, long hi, long lo, long nowNs) {
        Ipv4Routes r = s.routes;
        int hop = r.nextHop(route, (int) lo);
        int ifIndex = r.interfaceIndex(route);
        long mac = neighbours.mac(ifIndex, hop);
        if (mac == NeighbourTable.UNKNOWN) {
            Nic nic = s.nic(ifIndex);
            if (nic != null) {
                arp.resolve(nic, hop, nowNs);
            }
        }
        return mac;
    }

    @Override
    int toRealServer(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e, boolean partial) {
        return f.toRealServer(buffer, flow, (int) t.destinationAddressLo(e), t.destinationPort(e),
            (int) t.virtualAddressLo(e), t.virtualPort(e), partial);
    }

    @Override
    int toClient(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e, boolean partial) {
        return f.toClient(buffer, flow, (int) t.destinationAddressLo(e), t.destinationPort(e),
            (int) t.virtualAddressLo(e), t.virtualPort(e), partial);
    }

    @Override
    boolean readQuoted(DirectBuffer buffer, FlowKey flow, QuotedTuple out) {
        int inner = flow.icmpInnerOffset();
        int innerL4 = inner + (buffer.getByte(inner) & 0x0f) * 4;
        if (innerL4 + 4 > flow.packetEnd()) {
            return false;
        }
        out.protocol = buffer.getByte(inner + 9) & 0xff;
        out.srcHi = 0;
        out.srcLo = buffer.getInt(inner + 12, NET) & 0xffffffffL;
        out.dstHi = 0;
        out.dstLo = buffer.getInt(inner + 16, NET) & 0xffffffffL;
        out.srcPort = buffer.getShort(innerL4, NET) & 0xffff;
        out.dstPort = buffer.getShort(innerL4 + 2, NET) & 0xffff;
        return true;
    }

    @Override
    boolean dropsOversized() {
        return false;
    }

    @Override
    boolean isLaterFragment(DirectBuffer buffer, FlowKey flow) {
        return (buffer.getShort(flow.l3Offset() + 6, NET) & FRAGMENT_OFFSET) != 0; // icmp_send's rule
    }

    @Override
    int writeTimeExceeded(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow,
                          boolean fromClient) {
        int l3 = flow.l3Offset();
        int source = fromClient ? flow.dstIpv4() : in.primaryIpv4();
        return IcmpErrors.writeIpv4(out, toMac, in.mac(), buffer, l3, flow.packetEnd() - l3,
            IcmpErrors.ICMP_TIME_EXCEEDED, IcmpErrors.ICMP_EXC_TTL, 0, icmpId++, source);
    }

    @Override
    int writePacketTooBig(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow, int mtu,
                          boolean fromClient) {
        throw new IllegalStateException("IPv4 packets are not dropped for their size here");
    }

    @Override
    void tunnelAddresses(Egress x, TableSnapshot s, int d, Nic out, long hi, long lo) {
        x.outerIpv6 = false;
        x.realAddress = (int) lo;
        x.sourceAddress = d >= 0 && s.destinationSourceAddress[d] != 0 ? s.destinationSourceAddress[d] : out.primaryIpv4();
    }

    @Override
    int tooBigForTunnelEvent() {
        return DataPlaneEvents.ICMP_FRAG_NEEDED_SENT;
    }
}
