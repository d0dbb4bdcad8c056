package lvs.dataplane;

import lvs.conn.ConnectionFlags;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.Direction;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.io.Offload;
import lvs.model.ServiceFlags;
import lvs.packet.EthernetFrame;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.TableSnapshot;
import org.agrona.MutableDirectBuffer;

/**
 * What the data plane does with one received frame: classify, find the connection (client tuple
 * in, real-server tuple out), schedule a new one on a SYN or UDP datagram to a virtual service, let
 * the connection's forwarder rewrite it, write the next hop's Ethernet header and send it.
 * ARP goes to {@link ArpAgent}, IPv6 to {@link Ipv6Pipeline}. Frames that are not ours are left to the
 * kernel (AF_PACKET only taps).
 * Data-plane thread only; no allocation, no locks.
 */
final class PacketPipeline {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;

    private final ConnectionTracker connections;
    private final Forwarder[] forwarderByMethod;
    private final DataPlaneCounters counters;
    private final DataPlaneEvents events;
    private final NeighbourTable neighbours;
    private final ArpAgent arp;
    private final PersistentScheduling persistence;
    private final Ipv6Pipeline ipv6;
    private final FrameSink sink;
    private final PacketParser parser = new PacketParser();
    private final FlowKey flow = new FlowKey();
    private final EthernetFrame ethernet = new EthernetFrame();
    private TableSnapshot snapshot;
    /** The current frame's offload metadata, sent on with it. */
    private long offload;
    /** The interface the current frame arrived on (where an encapsulator's ICMP errors go back). */
    private int ingressIfIndex;
    private final Egress egress = new Egress();
    /** ICMP errors the director sends itself (time exceeded), shared with the IPv6 half; one bucket. */
    private final IcmpRateLimit icmpLimit = new IcmpRateLimit(1000, 50);
    private final org.agrona.concurrent.UnsafeBuffer icmpFrame =
        new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(IcmpErrors.MAX_FRAME));
    private int icmpId;
    private long nowNs;

    PacketPipeline(ConnectionTracker connections, Forwarder[] forwarderByMethod, DataPlaneCounters counters,
                   DataPlaneEvents events, NeighbourTable neighbours, FrameSink sink) {
        this(connections, forwarderByMethod, counters, events, neighbours, new Ipv6Neighbours(), sink);
    }

    PacketPipeline(ConnectionTracker connections, Forwarder[] forwarderByMethod, DataPlaneCounters counters,
                   DataPlaneEvents events, NeighbourTable neighbours, Ipv6Neighbours neighbours6, FrameSink sink) {
        this.ipv6 = new Ipv6Pipeline(connections, forwarderByMethod, counters, events, neighbours6, sink, icmpLimit,
            icmpFrame);
        this.connections = connections;
        this.forwarderByMethod = forwarderByMethod;
        this.counters = counters;
        this.events = events;
        this.neighbours = neighbours;
        this.sink = sink;
        this.arp = new ArpAgent(neighbours, sink, events);
        this.persistence = new PersistentScheduling(connections, events);
    }

    /** Installs a new snapshot (data-plane thread): refreshes changed schedulers, resolves real servers. */
    void install(TableSnapshot next, long nowNs) {
        snapshot = next;
        connections.timeouts().set(new lvs.model.Timeouts(next.tcpTimeoutSeconds, next.tcpFinTimeoutSeconds,
            next.udpTimeoutSeconds));
        // Every service, not only those changed since the previous compile: the agent may have skipped
        // snapshots, and each scheduler diffs against what it last saw itself.
        for (int s = 0; s < next.serviceCount; s++) {
            if (next.scheduler[s] != null) {
                next.scheduler[s].destinationsChanged(next, s);
            }
        }
        for (int d = 0; d < next.destinationTotal; d++) {
            connections.destinations().setThresholds(next.destinationCounterSlot[d],
                (int) Math.min(Integer.MAX_VALUE, next.destinationUpperThreshold[d]),
                (int) Math.min(Integer.MAX_VALUE, next.destinationLowerThreshold[d]));
        }
        // Ask for the real servers' next hops now, so that the first SYN finds them.
        for (int d = 0; d < next.destinationTotal; d++) {
            if (next.serviceFamily[next.destinationService[d]] == FlowKey.FAMILY_INET) {
                nextHopMac(next.destinationAddress[d], nowNs);
            }
        }
        ipv6.install(next, nowNs);
    }

    TableSnapshot snapshot() {
        return snapshot;
    }

    /** One received frame. */
    void onFrame(int ifIndex, MutableDirectBuffer buffer, int offset, int length, long offload,
                 long nowNs, long nowMs) {
        this.offload = offload;
        this.ingressIfIndex = ifIndex;
        this.nowNs = nowNs;
        boolean checksumPartial = Offload.needsChecksum(offload);
        TableSnapshot s = snapshot;
        if (s == null) {
            return;
        }
        Nic nic = s.nic(ifIndex);
        if (nic == null) {
            return;
        }
        int verdict = parser.classify(buffer, offset, length, flow);
        if (verdict == ParseVerdict.ARP) {
            arp.onArp(s, nic, buffer, offset + EthernetFrame.HEADER_LENGTH, length - EthernetFrame.HEADER_LENGTH);
            return;
        }
        if (flow.isIpv6() && ParseVerdict.hasFlowKey(verdict) && flow.vlanId() == FlowKey.ABSENT) {
            ipv6.onFrame(s, nic, buffer, offset, flow, offload, checksumPartial, nowNs, nowMs);
            return;
        }
        if (!ParseVerdict.hasFlowKey(verdict) || !flow.isIpv4() || flow.vlanId() != FlowKey.ABSENT) {
            return; // not ours: the kernel has its own copy
        }
        // Only frames addressed to this NIC (or broadcast) are ours to forward; others are someone else's.
        ethernet.wrap(buffer, offset, length);
        if (ethernet.destination() != nic.mac()) {
            return;
        }
        if (flow.icmpInnerOffset() != FlowKey.ABSENT) {
            onIcmpError(s, buffer, offset, checksumPartial, nowNs, nowMs);
            return;
        }
        int protocol = flow.protocol();
        if (protocol != TCP && protocol != UDP) {
            return;
        }
        int src = flow.srcIpv4();
        int dst = flow.dstIpv4();
        int sport = flow.srcPort();
        int dport = flow.dstPort();
        int e = connections.table().findInbound(ConnectionTable.AF_INET, protocol, 0, src & 0xffffffffL, sport,
            0, dst & 0xffffffffL, dport);
        if (e != ConnectionTable.NOT_FOUND) {
            if (s.hasFwmarkServices() && s.isFwmarkServiceSlot(connections.table().serviceId(e))) {
                return; // the kernel marks this packet and queues it to lvsd: that copy is forwarded (docs/fwmark.md)
            }
            // A new SYN on a TIME_WAIT entry keeps the entry (the state table takes it to SYN_RECV)
            // rather than rescheduling as the kernel's conn_reuse_mode does: same real server.
            toRealServer(s, e, buffer, offset, checksumPartial, nowNs, nowMs);
            return;
        }
        e = connections.table().findOutbound(ConnectionTable.AF_INET, protocol, 0, src & 0xffffffffL, sport,
            0, dst & 0xffffffffL, dport);
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, checksumPartial, nowNs, nowMs);
            return;
        }
        int service = s.service(protocol, dst, dport);
        if (service == TableSnapshot.NO_SERVICE) {
            if (isMasqueradedRealServer(s, protocol, src, sport)) {
                // A reply with no connection: the kernel would leak it with the RS's own address; we drop it.
                events.count(DataPlaneEvents.DROPPED_UNMATCHED_REPLY);
            }
            return;
        }
        if (protocol == TCP && (flow.tcpFlags() & (TCP_SYN | TCP_RST)) != TCP_SYN) {
            return; // only a SYN starts a TCP connection; the guard keeps the kernel from answering
        }
        e = schedule(s, service, nowMs);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, checksumPartial, nowNs, nowMs);
            if ((connections.table().flags(e) & ConnectionFlags.ONE_PACKET) != 0) {
                connections.releaseOnePacket(e, nowMs); // OPS: the entry lives for this datagram only
            }
        }
    }

    /**
     * A packet the director's kernel queued to lvsd after the operator's rules marked it (docs/fwmark.md):
     * complete (no offload metadata), with a synthetic Ethernet header. Its connection if it has one,
     * else the service for its mark, else the address/port service (§1.2), schedules it. Returns true
     * when lvsd took the packet (the kernel's copy is then dropped), false to leave it to the kernel as
     * IPVS leaves a packet no service wants.
     */
    boolean onMarkedFrame(int ifIndex, int mark, MutableDirectBuffer buffer, int offset, int length,
                          long nowNs, long nowMs) {
        TableSnapshot s = snapshot;
        if (s == null) {
            return false;
        }
        this.offload = Offload.NONE;
        this.ingressIfIndex = ifIndex;
        this.nowNs = nowNs;
        int verdict = parser.classify(buffer, offset, length, flow);
        // ICMP errors are matched to connections on the AF_PACKET path, which saw this packet first.
        if (!ParseVerdict.hasFlowKey(verdict) || !flow.isIpv4() || flow.icmpInnerOffset() != FlowKey.ABSENT) {
            return false;
        }
        int protocol = flow.protocol();
        if (protocol != TCP && protocol != UDP) {
            return false;
        }
        int e = connections.table().findInbound(ConnectionTable.AF_INET, protocol, 0, flow.srcIpv4() & 0xffffffffL,
            flow.srcPort(), 0, flow.dstIpv4() & 0xffffffffL, flow.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, false, nowNs, nowMs);
            return true;
        }
        int service = s.serviceForMark(mark);
        if (service == TableSnapshot.NO_SERVICE) {
            service = s.service(protocol, flow.dstIpv4(), flow.dstPort());
        }
        if (service == TableSnapshot.NO_SERVICE
            || protocol == TCP && (flow.tcpFlags() & (TCP_SYN | TCP_RST)) != TCP_SYN) {
            return false; // IPVS accepts what it cannot schedule: the local stack answers (RST)
        }
        e = schedule(s, service, nowMs);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, false, nowNs, nowMs);
            if ((connections.table().flags(e) & ConnectionFlags.ONE_PACKET) != 0) {
                connections.releaseOnePacket(e, nowMs);
            }
        }
        return true;
    }

    /** ip_vs_schedule: a new connection through a template (persistent service) or the scheduler alone. */
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
        if (flow.dstPort() != s.servicePort[service] && s.serviceFwmark[service] == 0) {
            // Found through the port-0 fallback: "port zero only supported in persistent services".
            // (A fwmark service, whose port is 0 and never asked for, must not come through here.)
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
        int e = connections.open(ConnectionTable.AF_INET, flow.protocol(), 0, flow.srcIpv4() & 0xffffffffL,
            flow.srcPort(), 0, flow.dstIpv4() & 0xffffffffL, flow.dstPort(),
            ConnectionTable.AF_INET, 0, s.destinationAddress[d] & 0xffffffffL, realPort,
            s.destinationMethod[d] | onePacket, s.serviceCounterSlot[service], s.destinationCounterSlot[d], -1, nowMs);
        if (e == ConnectionTable.NOT_FOUND) {
            events.count(DataPlaneEvents.DROPPED_TABLE_FULL);
        }
        return e;
    }

    private void toRealServer(TableSnapshot s, int e, MutableDirectBuffer buffer, int offset, boolean partial,
                              long nowNs, long nowMs) {
        ConnectionTable t = connections.table();
        int l3Length = flow.l3Length();
        Forwarder f = forwarderByMethod[t.forwardingMethod(e)];
        int rip = (int) t.destinationAddressLo(e);
        if (f == null) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        int route = s.routes.lookup(rip);
        if (route < 0) {
            events.count(DataPlaneEvents.DROPPED_NO_ROUTE);
            return;
        }
        long mac = nextHopMac(s, route, rip, nowNs);
        if (mac == NeighbourTable.UNKNOWN) {
            events.count(DataPlaneEvents.DROPPED_NO_NEIGHBOUR);
            return;
        }
        connections.onPacket(e, Direction.INPUT, flow.tcpFlags(), nowMs);
        counters.countPacket(t.serviceId(e), t.destinationId(e), true, l3Length);
        if (f instanceof Encapsulator tunnel) {
            encapsulate(s, tunnel, t.destinationId(e), route, mac, rip, buffer, offset);
            return;
        }
        int verdict = f.toRealServer(buffer, flow, rip, t.destinationPort(e), (int) t.virtualAddressLo(e),
            t.virtualPort(e), partial);
        send(s, verdict, route, mac, buffer, offset, partial, DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
    }

    private void toClient(TableSnapshot s, int e, MutableDirectBuffer buffer, int offset, boolean partial,
                          long nowNs, long nowMs) {
        ConnectionTable t = connections.table();
        Forwarder f = forwarderByMethod[t.forwardingMethod(e)];
        if (f == null || !ConnectionFlags.repliesPassDirector(t.flags(e))) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        int client = (int) t.clientAddressLo(e);
        int route = s.routes.lookup(client);
        if (route < 0) {
            events.count(DataPlaneEvents.DROPPED_NO_ROUTE);
            return;
        }
        long mac = nextHopMac(s, route, client, nowNs);
        if (mac == NeighbourTable.UNKNOWN) {
            events.count(DataPlaneEvents.DROPPED_NO_NEIGHBOUR);
            return;
        }
        int l3Length = flow.l3Length();
        connections.onPacket(e, Direction.OUTPUT, flow.tcpFlags(), nowMs);
        counters.countPacket(t.serviceId(e), t.destinationId(e), false, l3Length);
        int verdict = f.toClient(buffer, flow, (int) t.destinationAddressLo(e), t.destinationPort(e),
            (int) t.virtualAddressLo(e), t.virtualPort(e), partial);
        send(s, verdict, route, mac, buffer, offset, partial, DataPlaneEvents.FORWARDED_TO_CLIENT);
    }

    /** TUN (§5.4): the forwarder builds and sends its own frames; the pipeline says where to. */
    private void encapsulate(TableSnapshot s, Encapsulator tunnel, int destinationSlot, int route, long mac, int rip,
                             MutableDirectBuffer buffer, int offset) {
        int d = s.destinationForSlot(destinationSlot); // -1: removed from the table, the connection lives on
        int ifIndex = s.routes.interfaceIndex(route);
        Nic out = s.nic(ifIndex);
        Nic in = s.nic(ingressIfIndex);
        Egress x = egress;
        x.ifIndex = ifIndex;
        x.sourceMac = out.mac();
        x.nextHopMac = mac;
        x.routeMtu = out.mtu();
        x.realAddress = rip;
        x.sourceAddress = d >= 0 && s.destinationSourceAddress[d] != 0 ? s.destinationSourceAddress[d] : out.primaryIpv4();
        x.tunnelType = d >= 0 ? s.destinationTunnelType[d] : 0;
        x.tunnelPort = d >= 0 ? s.destinationTunnelPort[d] : 0;
        x.tunnelFlags = d >= 0 ? s.destinationTunnelFlags[d] : 0;
        x.replyIfIndex = ingressIfIndex;
        x.replySourceMac = in.mac();
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        x.replyDestinationMac = ethernet.source();
        switch (tunnel.encapsulate(buffer, offset, flow, offload, x, sink)) {
            case Encapsulator.SENT -> events.count(DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
            case Encapsulator.DROP_TTL_EXPIRED -> timeExceeded(s, buffer, offset, true);
            case Encapsulator.DROP_FRAG_NEEDED -> events.count(DataPlaneEvents.ICMP_FRAG_NEEDED_SENT);
            case Encapsulator.DROP_TX_FAILED -> events.count(DataPlaneEvents.DROPPED_TX_FAILED);
            default -> events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
        }
    }

    /** ICMP errors quoting a connection's packet (§5.6): from the client side, or from a real server. */
    private void onIcmpError(TableSnapshot s, MutableDirectBuffer buffer, int offset, boolean partial,
                             long nowNs, long nowMs) {
        int inner = flow.icmpInnerOffset();
        int innerL4 = inner + (buffer.getByte(inner) & 0x0f) * 4;
        if (innerL4 + 4 > flow.packetEnd()) {
            return;
        }
        int protocol = buffer.getByte(inner + 9) & 0xff;
        long innerSrc = buffer.getInt(inner + 12, java.nio.ByteOrder.BIG_ENDIAN) & 0xffffffffL;
        long innerDst = buffer.getInt(inner + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xffffffffL;
        int innerSport = buffer.getShort(innerL4, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff;
        int innerDport = buffer.getShort(innerL4 + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff;
        // Our reply VIP:vport -> client was refused somewhere: the quoted packet's destination is the client.
        int e = connections.table().findInbound(ConnectionTable.AF_INET, protocol, 0, innerDst, innerDport,
            0, innerSrc, innerSport);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        // A real server reports on a client's packet client -> RIP:rport.
        e = connections.table().findOutbound(ConnectionTable.AF_INET, protocol, 0, innerDst, innerDport,
            0, innerSrc, innerSport);
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, partial, nowNs, nowMs);
        }
    }

    private void send(TableSnapshot s, int verdict, int route, long mac, MutableDirectBuffer buffer, int offset,
                      boolean partial, int forwardedEvent) {
        if (verdict == Forwarder.DROP_TTL_EXPIRED) {
            timeExceeded(s, buffer, offset, forwardedEvent == DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
            return;
        }
        if (verdict != Forwarder.FORWARD) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        int ifIndex = s.routes.interfaceIndex(route);
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
     * TTL ≤ 1 (§5.1): dropped, and ICMP time exceeded (type 11 code 0) goes back to the sender out of the
     * interface the packet came in on, to the MAC it came from, quoting the packet as received (the
     * forwarders leave it untouched). From the VIP for a client's packet, from our address on that
     * interface for a real server's. Not about an ICMP error or a non-first fragment (icmp_send).
     */
    private void timeExceeded(TableSnapshot s, MutableDirectBuffer buffer, int offset, boolean fromClient) {
        events.count(DataPlaneEvents.DROPPED_TTL_EXPIRED);
        int l3 = flow.l3Offset();
        Nic in = s.nic(ingressIfIndex);
        if (in == null || flow.icmpInnerOffset() != FlowKey.ABSENT
            || (buffer.getShort(l3 + 6, java.nio.ByteOrder.BIG_ENDIAN) & 0x1FFF) != 0
            || !icmpLimit.allow(nowNs)) {
            return;
        }
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        int source = fromClient ? flow.dstIpv4() : in.primaryIpv4();
        int length = IcmpErrors.writeIpv4(icmpFrame, ethernet.source(), in.mac(), buffer, l3, flow.packetEnd() - l3,
            IcmpErrors.ICMP_TIME_EXCEEDED, IcmpErrors.ICMP_EXC_TTL, 0, icmpId++, source);
        if (sink.send(ingressIfIndex, icmpFrame, 0, length, Offload.NONE)) {
            events.count(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT);
        }
    }

    private long nextHopMac(TableSnapshot s, int route, int address, long nowNs) {
        int hop = s.routes.nextHop(route, address);
        int ifIndex = s.routes.interfaceIndex(route);
        long mac = neighbours.mac(ifIndex, hop);
        if (mac == NeighbourTable.UNKNOWN) {
            Nic nic = s.nic(ifIndex);
            if (nic != null) {
                arp.resolve(nic, hop, nowNs);
            }
        }
        return mac;
    }

    private void nextHopMac(int address, long nowNs) {
        int route = snapshot.routes.lookup(address);
        if (route >= 0) {
            nextHopMac(snapshot, route, address, nowNs);
        }
    }

    private static boolean isMasqueradedRealServer(TableSnapshot s, int protocol, int address, int port) {
        for (int d = 0; d < s.destinationTotal; d++) {
            if (s.destinationAddress[d] == address && s.destinationPort[d] == port && s.destinationMethod[d] == 0
                && s.serviceProtocol[s.destinationService[d]] == protocol) {
                return true;
            }
        }
        return false;
    }
}
