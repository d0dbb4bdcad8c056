package lvs.dataplane;

import java.nio.ByteOrder;
import lvs.conn.ConnectionTable;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.Ipv6Routes;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.packet.Checksum;
import lvs.packet.FlowKey;
import lvs.packet.Ipv6Header;
import lvs.snapshot.TableSnapshot;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * {@link AddressFamilyPath} for IPv6: 128-bit addresses as (hi, lo), the IPv6 routes, neighbour
 * discovery instead of ARP (solicitations answered for VIPs, next hops solicited), the forwarders'
 * IPv6 signatures, ICMPv6 errors (every type quoting a connection's packet, as the kernel handles
 * IPv6), and packet too big for oversized packets, since IPv6 routers do not fragment.
 * Data-plane thread only; no allocation.
 */
final class Ipv6Path extends AddressFamilyPath {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final Ipv6Neighbours neighbours;
    private final NeighbourDiscovery discovery;

    Ipv6Path(Ipv6Neighbours neighbours, NeighbourDiscovery discovery) {
        this.neighbours = neighbours;
        this.discovery = discovery;
    }

    @Override
    int family() {
        return ConnectionTable.AF_INET6;
    }

    @Override
    boolean onLinkMessage(TableSnapshot s, Nic nic, MutableDirectBuffer buffer, int offset, FlowKey flow) {
        if (!NeighbourDiscovery.isNeighbourDiscovery(flow)) {
            return false;
        }
        discovery.onMessage(s, nic, buffer, offset, flow);
        return true; // the kernel sees its own copy too
    }

    @Override
    int service(TableSnapshot s, FlowKey flow) {
        return s.service6(flow.protocol(), flow.dstHi(), flow.dstLo(), flow.dstPort());
    }

    @Override
    int route(TableSnapshot s, long hi, long lo) {
        return s.routes6.lookup(hi, lo);
    }

    @Override
    int interfaceIndex(TableSnapshot s, int route) {
        return s.routes6.interfaceIndex(route);
    }

    @Override
    long nextHopMac(TableSnapshot s, int route, long hi, long lo, long nowNs) {
        Ipv6Routes r = s.routes6;
        long hopHi = r.viaGateway(route) ? r.gatewayHi(route) : hi;
        long hopLo = r.viaGateway(route) ? r.gatewayLo(route) : lo;
        int ifIndex = r.interfaceIndex(route);
        long mac = neighbours.mac(ifIndex, hopHi, hopLo);
        if (mac == NeighbourTable.UNKNOWN) {
            Nic nic = s.nic(ifIndex);
            if (nic != null) {
                discovery.resolve(nic, hopHi, hopLo, nowNs);
            }
        }
        return mac;
    }

    @Override
    int toRealServer(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e, boolean partial) {
        return f.toRealServer6(buffer, flow, t.destinationAddressHi(e), t.destinationAddressLo(e),
            t.destinationPort(e), t.virtualAddressHi(e), t.virtualAddressLo(e), t.virtualPort(e), partial);
    }

    @Override
    int toClient(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e, boolean partial) {
        return f.toClient6(buffer, flow, t.destinationAddressHi(e), t.destinationAddressLo(e),
            t.destinationPort(e), t.virtualAddressHi(e), t.virtualAddressLo(e), t.virtualPort(e), partial);
    }

    /** The quoted transport header must follow the quoted IPv6 header directly. */
    @Override
    boolean readQuoted(DirectBuffer buffer, FlowKey flow, QuotedTuple out) {
        int inner = flow.icmpInnerOffset();
        int innerL4 = inner + Ipv6Header.LENGTH;
        if (innerL4 + 4 > flow.packetEnd()) {
            return false;
        }
        out.protocol = buffer.getByte(inner + Ipv6Header.NEXT_HEADER_OFFSET) & 0xff;
        out.srcHi = buffer.getLong(inner + Ipv6Header.SOURCE_OFFSET, NET);
        out.srcLo = buffer.getLong(inner + Ipv6Header.SOURCE_OFFSET + 8, NET);
        out.dstHi = buffer.getLong(inner + Ipv6Header.DESTINATION_OFFSET, NET);
        out.dstLo = buffer.getLong(inner + Ipv6Header.DESTINATION_OFFSET + 8, NET);
        out.srcPort = buffer.getShort(innerL4, NET) & 0xffff;
        out.dstPort = buffer.getShort(innerL4 + 2, NET) & 0xffff;
        return true;
    }

    @Override
    boolean dropsOversized() {
        return true;
    }

    @Override
    boolean isLaterFragment(DirectBuffer buffer, FlowKey flow) {
        return false;
    }

    @Override
    int writeTimeExceeded(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow,
                          boolean fromClient) {
        return write(out, toMac, in, buffer, flow, IcmpErrors.ICMPV6_TIME_EXCEED, IcmpErrors.ICMPV6_EXC_HOPLIMIT, 0,
            fromClient);
    }

    /**
     * Quotes the packet as it would have left: hop limit already decremented (the kernel decrements
     * before the MTU check).
     */
    @Override
    int writePacketTooBig(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow, int mtu,
                          boolean fromClient) {
        int length = write(out, toMac, in, buffer, flow, IcmpErrors.ICMPV6_PKT_TOOBIG, 0, mtu, fromClient);
        int quotedHopLimit = IcmpErrors.ETH + Ipv6Header.LENGTH + 8 + 7;
        int before = out.getShort(quotedHopLimit - 1, NET) & 0xffff;
        out.putByte(quotedHopLimit, (byte) ((before & 0xff) - 1));
        int check = IcmpErrors.ETH + Ipv6Header.LENGTH + 2;
        out.putShort(check, (short) Checksum.update16(out.getShort(check, NET) & 0xffff, before, before - 1), NET);
        return length;
    }

    private static int write(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow, int type,
                             int code, int rest, boolean fromClient) {
        int l3 = flow.l3Offset();
        long srcHi = fromClient ? flow.dstHi() : in.primaryIpv6Hi();
        long srcLo = fromClient ? flow.dstLo() : in.primaryIpv6Lo();
        return IcmpErrors.writeIpv6(out, toMac, in.mac(), buffer, l3, flow.packetEnd() - l3, type, code, rest,
            srcHi, srcLo);
    }

    @Override
    void tunnelAddresses(Egress x, TableSnapshot s, int d, Nic out, long hi, long lo) {
        x.outerIpv6 = true;
        x.realAddressHi = hi;
        x.realAddressLo = lo;
        boolean cached = d >= 0 && (s.destinationSourceAddressHi[d] != 0 || s.destinationSourceAddressLo[d] != 0);
        x.sourceAddressHi = cached ? s.destinationSourceAddressHi[d] : out.primaryIpv6Hi();
        x.sourceAddressLo = cached ? s.destinationSourceAddressLo[d] : out.primaryIpv6Lo();
    }

    @Override
    int tooBigForTunnelEvent() {
        return DataPlaneEvents.ICMP_PACKET_TOO_BIG_SENT;
    }
}
