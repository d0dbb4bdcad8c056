package lvs.dataplane;

import java.nio.ByteOrder;
import lvs.conn.ConnectionFlags;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.Direction;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.Ipv6Routes;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.model.ServiceFlags;
import lvs.packet.EthernetFrame;
import lvs.packet.FlowKey;
import lvs.packet.Ipv6Header;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.TableSnapshot;
import org.agrona.MutableDirectBuffer;

/**
 * {@link PacketPipeline}'s IPv6 half: the same steps for a frame the parser found to be IPv6 (connection
 * lookup client tuple in, real-server tuple out; a SYN or UDP datagram to an IPv6 service scheduled;
 * ICMPv6 errors about a connection; the next hop from the IPv6 routes), with neighbour discovery
 * instead of ARP. Kept apart so that the IPv4 path stays as it is, with 32-bit addresses. Data-plane
 * thread only; no allocation, no locks.
 */
final class Ipv6Pipeline {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;

    private final ConnectionTracker connections;
    private final Forwarder[] forwarderByMethod;
    private final DataPlaneCounters counters;
    private final DataPlaneEvents events;
    private final Ipv6Neighbours neighbours;
    private final NeighbourDiscovery discovery;
    private final FrameSink sink;
    private final PersistentScheduling persistence;
    private final EthernetFrame ethernet = new EthernetFrame();
    private FlowKey flow;
    private long offload;
    /** The interface the current frame came in on (where ICMPv6 errors go back), and the time. */
    private Nic ingress;
    private long nowNs;
    private final IcmpRateLimit icmpLimit;
    private final MutableDirectBuffer icmpFrame;

    Ipv6Pipeline(ConnectionTracker connections, Forwarder[] forwarderByMethod, DataPlaneCounters counters,
                 DataPlaneEvents events, Ipv6Neighbours neighbours, FrameSink sink, IcmpRateLimit icmpLimit,
                 MutableDirectBuffer icmpFrame) {
        this.icmpLimit = icmpLimit;
        this.icmpFrame = icmpFrame;
        this.connections = connections;
        this.forwarderByMethod = forwarderByMethod;
        this.counters = counters;
        this.events = events;
        this.neighbours = neighbours;
        this.sink = sink;
        this.discovery = new NeighbourDiscovery(neighbours, sink, events);
        this.persistence = new PersistentScheduling(connections, events);
    }

    Ipv6Neighbours neighbours() {
        return neighbours;
    }

    /** On installing a snapshot: ask for the IPv6 real servers' next hops now, so that the first SYN finds them. */
    void install(TableSnapshot s, long nowNs) {
        for (int d = 0; d < s.destinationTotal; d++) {
            if (s.serviceFamily[s.destinationService[d]] == FlowKey.FAMILY_INET6) {
                int route = s.routes6.lookup(s.destinationAddressHi[d], s.destinationAddressLo[d]);
                if (route >= 0) {
                    nextHopMac(s, route, s.destinationAddressHi[d], s.destinationAddressLo[d], nowNs);
                }
            }
        }
    }

    /** One IPv6 frame (parsed into {@code key}, untagged) received on {@code nic}. */
    void onFrame(TableSnapshot s, Nic nic, MutableDirectBuffer buffer, int offset, FlowKey key, long frameOffload,
                 boolean partial, long nowNs, long nowMs) {
        flow = key;
        offload = frameOffload;
        ingress = nic;
        this.nowNs = nowNs;
        if (NeighbourDiscovery.isNeighbourDiscovery(key)) {
            discovery.onMessage(s, nic, buffer, offset, key);
            return; // the kernel sees its own copy too
        }
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        if (ethernet.destination() != nic.mac()) {
            return;
        }
        if (key.icmpInnerOffset() != FlowKey.ABSENT) {
            onIcmpError(s, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        int protocol = key.protocol();
        if (protocol != TCP && protocol != UDP) {
            return;
        }
        ConnectionTable t = connections.table();
        int e = t.findInbound(ConnectionTable.AF_INET6, protocol, key.srcHi(), key.srcLo(), key.srcPort(),
            key.dstHi(), key.dstLo(), key.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        e = t.findOutbound(ConnectionTable.AF_INET6, protocol, key.srcHi(), key.srcLo(), key.srcPort(),
            key.dstHi(), key.dstLo(), key.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        int service = s.service6(protocol, key.dstHi(), key.dstLo(), key.dstPort());
        if (service == TableSnapshot.NO_SERVICE) {
            if (isMasqueradedRealServer(s, protocol, key.srcHi(), key.srcLo(), key.srcPort())) {
                events.count(DataPlaneEvents.DROPPED_UNMATCHED_REPLY);
            }
            return;
        }
        if (protocol == TCP && (key.tcpFlags() & (TCP_SYN | TCP_RST)) != TCP_SYN) {
            return;
        }
        e = schedule(s, service, nowMs);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            if ((t.flags(e) & ConnectionFlags.ONE_PACKET) != 0) {
                connections.releaseOnePacket(e, nowMs); // OPS: the entry lives for this datagram only
            }
        }
    }

    /**
     * ip_vs_schedule for IPv6, as {@link PacketPipeline}'s: a persistent service through its template
     * ({@link PersistentScheduling}, {@code -M} as a prefix length), else the scheduler alone.
     */
    private int schedule(TableSnapshot s, int service, long nowMs) {
        int serviceFlags = s.serviceFlags[service];
        int onePacket = (serviceFlags & ServiceFlags.ONEPACKET) != 0 && flow.protocol() == UDP
            ? ConnectionFlags.ONE_PACKET : 0;
        int e;
        if ((serviceFlags & ServiceFlags.PERSISTENT) != 0) {
            e = persistence.schedule(s, service, flow, s.serviceFwmark[service], onePacket, nowMs);
        } else {
            e = scheduleAlone(s, service, onePacket, nowMs);
        }
        if (e == ConnectionTable.NOT_FOUND) {
            return e;
        }
        // Connections are counted, templates never are.
        ConnectionTable t = connections.table();
        counters.add(0, DataPlaneCounters.CONNS, 1);
        counters.add(t.serviceId(e), DataPlaneCounters.CONNS, 1);
        counters.add(t.destinationId(e), DataPlaneCounters.CONNS, 1);
        events.count(DataPlaneEvents.CONNECTIONS_CREATED);
        return e;
    }

    private int scheduleAlone(TableSnapshot s, int service, int onePacket, long nowMs) {
        if (flow.dstPort() != s.servicePort[service]) {
            // Found through the port-0 fallback: "port zero only supported in persistent services".
            events.count(DataPlaneEvents.DROPPED_NO_DESTINATION);
            return ConnectionTable.NOT_FOUND;
        }
        ServiceScheduler scheduler = s.scheduler[service];
        int d = scheduler == null ? ServiceScheduler.NONE : scheduler.pick(s, service, flow, connections.destinations());
        if (d == ServiceScheduler.NONE) {
            events.count(DataPlaneEvents.DROPPED_NO_DESTINATION);
            return ConnectionTable.NOT_FOUND;
        }
        int realPort = s.destinationPort[d] != 0 ? s.destinationPort[d] : flow.dstPort();
        int e = connections.open(ConnectionTable.AF_INET6, flow.protocol(), flow.srcHi(), flow.srcLo(),
            flow.srcPort(), flow.dstHi(), flow.dstLo(), flow.dstPort(),
            ConnectionTable.AF_INET6, s.destinationAddressHi[d], s.destinationAddressLo[d], realPort,
            s.destinationMethod[d] | onePacket, s.serviceCounterSlot[service], s.destinationCounterSlot[d], -1, nowMs);
        if (e == ConnectionTable.NOT_FOUND) {
            events.count(DataPlaneEvents.DROPPED_TABLE_FULL);
        }
        return e;
    }

    private void toRealServer(TableSnapshot s, int e, MutableDirectBuffer buffer, int offset, boolean partial,
                              long nowNs, long nowMs) {
        ConnectionTable t = connections.table();
        Forwarder f = forwarderByMethod[t.forwardingMethod(e)];
        if (f == null) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        long ripHi = t.destinationAddressHi(e);
        long ripLo = t.destinationAddressLo(e);
        int route = s.routes6.lookup(ripHi, ripLo);
        if (route < 0) {
            events.count(DataPlaneEvents.DROPPED_NO_ROUTE);
            return;
        }
        long mac = nextHopMac(s, route, ripHi, ripLo, nowNs);
        if (mac == NeighbourTable.UNKNOWN) {
            events.count(DataPlaneEvents.DROPPED_NO_NEIGHBOUR);
            return;
        }
        int l3Length = flow.l3Length();
        connections.onPacket(e, Direction.INPUT, flow.tcpFlags(), nowMs);
        counters.countPacket(t.serviceId(e), t.destinationId(e), true, l3Length);
        if (tooBig(s, route, l3Length, buffer, offset, true)) {
            return;
        }
        int verdict = f.toRealServer6(buffer, flow, ripHi, ripLo, t.destinationPort(e),
            t.virtualAddressHi(e), t.virtualAddressLo(e), t.virtualPort(e), partial);
        send(s, verdict, route, mac, buffer, offset, DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
    }

    private void toClient(TableSnapshot s, int e, MutableDirectBuffer buffer, int offset, boolean partial,
                          long nowNs, long nowMs) {
        ConnectionTable t = connections.table();
        Forwarder f = forwarderByMethod[t.forwardingMethod(e)];
        if (f == null || !ConnectionFlags.repliesPassDirector(t.flags(e))) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        long clientHi = t.clientAddressHi(e);
        long clientLo = t.clientAddressLo(e);
        int route = s.routes6.lookup(clientHi, clientLo);
        if (route < 0) {
            events.count(DataPlaneEvents.DROPPED_NO_ROUTE);
            return;
        }
        long mac = nextHopMac(s, route, clientHi, clientLo, nowNs);
        if (mac == NeighbourTable.UNKNOWN) {
            events.count(DataPlaneEvents.DROPPED_NO_NEIGHBOUR);
            return;
        }
        int l3Length = flow.l3Length();
        connections.onPacket(e, Direction.OUTPUT, flow.tcpFlags(), nowMs);
        counters.countPacket(t.serviceId(e), t.destinationId(e), false, l3Length);
        if (tooBig(s, route, l3Length, buffer, offset, false)) {
            return;
        }
        int verdict = f.toClient6(buffer, flow, t.destinationAddressHi(e), t.destinationAddressLo(e),
            t.destinationPort(e), t.virtualAddressHi(e), t.virtualAddressLo(e), t.virtualPort(e), partial);
        send(s, verdict, route, mac, buffer, offset, DataPlaneEvents.FORWARDED_TO_CLIENT);
    }

    /**
     * ICMPv6 errors quoting a connection's packet (§5.6; every error type, as the kernel handles IPv6):
     * from the client side about our reply, or from a real server about a client's packet. The quoted
     * transport header must follow the quoted IPv6 header directly.
     */
    private void onIcmpError(TableSnapshot s, MutableDirectBuffer buffer, int offset, boolean partial,
                             long nowNs, long nowMs) {
        int inner = flow.icmpInnerOffset();
        int innerL4 = inner + Ipv6Header.LENGTH;
        if (innerL4 + 4 > flow.packetEnd()) {
            return;
        }
        int protocol = buffer.getByte(inner + Ipv6Header.NEXT_HEADER_OFFSET) & 0xff;
        long srcHi = buffer.getLong(inner + Ipv6Header.SOURCE_OFFSET, NET);
        long srcLo = buffer.getLong(inner + Ipv6Header.SOURCE_OFFSET + 8, NET);
        long dstHi = buffer.getLong(inner + Ipv6Header.DESTINATION_OFFSET, NET);
        long dstLo = buffer.getLong(inner + Ipv6Header.DESTINATION_OFFSET + 8, NET);
        int sport = buffer.getShort(innerL4, NET) & 0xffff;
        int dport = buffer.getShort(innerL4 + 2, NET) & 0xffff;
        ConnectionTable t = connections.table();
        // Our reply VIP:vport -> client was refused somewhere: the quoted packet's destination is the client.
        int e = t.findInbound(ConnectionTable.AF_INET6, protocol, dstHi, dstLo, dport, srcHi, srcLo, sport);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        // A real server reports on a client's packet client -> RIP:rport.
        e = t.findOutbound(ConnectionTable.AF_INET6, protocol, dstHi, dstLo, dport, srcHi, srcLo, sport);
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, partial, nowNs, nowMs);
        }
    }

    private void send(TableSnapshot s, int verdict, int route, long mac, MutableDirectBuffer buffer, int offset,
                      int forwardedEvent) {
        if (verdict == Forwarder.DROP_TTL_EXPIRED) {
            events.count(DataPlaneEvents.DROPPED_TTL_EXPIRED);
            // Hop limit ≤ 1 (§5.1): ICMPv6 time exceeded / hop limit, about the packet as received.
            if (icmpError(buffer, offset, IcmpErrors.ICMPV6_TIME_EXCEED, IcmpErrors.ICMPV6_EXC_HOPLIMIT, 0,
                forwardedEvent == DataPlaneEvents.FORWARDED_TO_REAL_SERVER, false)) {
                events.count(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT);
            }
            return;
        }
        if (verdict != Forwarder.FORWARD) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        int ifIndex = s.routes6.interfaceIndex(route);
        Nic out = s.nic(ifIndex);
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        ethernet.destination(mac).source(out.mac());
        if (sink.send(ifIndex, buffer, offset, flow.packetEnd() - offset, offload)) {
            events.count(forwardedEvent);
        } else {
            events.count(DataPlaneEvents.DROPPED_TX_FAILED);
        }
    }

    /**
     * §5.1: an IPv6 packet longer than the egress MTU (not GSO, whose segments the kernel cuts to fit) is
     * dropped; unless it is itself an ICMPv6 error, the sender gets ICMPv6 packet too big carrying that
     * MTU, quoting the packet as it would have left (hop limit already decremented: the kernel decrements
     * before the MTU check). A packet whose hop limit expires gets time exceeded instead.
     */
    private boolean tooBig(TableSnapshot s, int route, int l3Length, MutableDirectBuffer buffer, int offset,
                           boolean fromClient) {
        Nic out = s.nic(s.routes6.interfaceIndex(route));
        if (out == null || l3Length <= out.mtu() || lvs.io.Offload.isGso(offload)
            || (buffer.getByte(flow.l3Offset() + 7) & 0xff) <= 1) {
            return false;
        }
        events.count(DataPlaneEvents.ICMP_PACKET_TOO_BIG_SENT);
        if (flow.icmpInnerOffset() == FlowKey.ABSENT) {
            icmpError(buffer, offset, IcmpErrors.ICMPV6_PKT_TOOBIG, 0, out.mtu(), fromClient, true);
        }
        return true;
    }

    /**
     * Writes and sends an ICMPv6 error about the current packet back out of the interface it came in on, to
     * the MAC it came from: from the VIP for a client's packet ({@code fromClient}), else from our first
     * address on that interface. Never about an ICMPv6 error; within the shared rate limit.
     */
    private boolean icmpError(MutableDirectBuffer buffer, int offset, int type, int code, int rest,
                              boolean fromClient, boolean decrementQuotedHopLimit) {
        Nic in = ingress;
        if (flow.icmpInnerOffset() != FlowKey.ABSENT || !icmpLimit.allow(nowNs)) {
            return false;
        }
        int l3 = flow.l3Offset();
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        long srcHi = fromClient ? flow.dstHi() : in.primaryIpv6Hi();
        long srcLo = fromClient ? flow.dstLo() : in.primaryIpv6Lo();
        int length = IcmpErrors.writeIpv6(icmpFrame, ethernet.source(), in.mac(), buffer, l3, flow.packetEnd() - l3,
            type, code, rest, srcHi, srcLo);
        if (decrementQuotedHopLimit) {
            int quotedHopLimit = IcmpErrors.ETH + Ipv6Header.LENGTH + 8 + 7;
            int before = icmpFrame.getShort(quotedHopLimit - 1, NET) & 0xffff;
            icmpFrame.putByte(quotedHopLimit, (byte) ((before & 0xff) - 1));
            int check = IcmpErrors.ETH + Ipv6Header.LENGTH + 2;
            icmpFrame.putShort(check, (short) lvs.packet.Checksum.update16(icmpFrame.getShort(check, NET) & 0xffff,
                before, before - 1), NET);
        }
        return sink.send(in.index(), icmpFrame, 0, length, lvs.io.Offload.NONE);
    }

    /** The next hop's MAC for {@code address} over {@code route}; a missing one is solicited (and UNKNOWN returned). */
    private long nextHopMac(TableSnapshot s, int route, long hi, long lo, long nowNs) {
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

    private static boolean isMasqueradedRealServer(TableSnapshot s, int protocol, long hi, long lo, int port) {
        for (int d = 0; d < s.destinationTotal; d++) {
            int service = s.destinationService[d];
            if (s.destinationAddressLo[d] == lo && s.destinationAddressHi[d] == hi && s.destinationPort[d] == port
                && s.destinationMethod[d] == 0 && s.serviceProtocol[service] == protocol
                && s.serviceFamily[service] == FlowKey.FAMILY_INET6) {
                return true;
            }
        }
        return false;
    }
}
