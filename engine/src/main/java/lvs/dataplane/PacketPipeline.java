package lvs.dataplane;

import lvs.conn.ConnectionFlags;
import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.Direction;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.io.Offload;
import lvs.model.ServiceFlags;
import lvs.packet.Checksum;
import lvs.packet.EthernetFrame;
import lvs.packet.FlowKey;
import lvs.packet.PacketParser;
import lvs.packet.ParseVerdict;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.TableSnapshot;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the data plane does with one received frame, for IPv4 and IPv6 alike: classify, find the
 * connection (client tuple in, real-server tuple out), schedule a new one on a SYN or UDP datagram to
 * a virtual service, let the connection's forwarder rewrite it, write the next hop's Ethernet header
 * and send it. What differs between the families (service and route lookups, ARP or neighbour
 * discovery, the forwarders' signatures, ICMP or ICMPv6 errors) is in {@link Ipv4Path} and
 * {@link Ipv6Path}. ARP goes to {@link ArpAgent}. Frames that are not ours are left to the kernel
 * (AF_PACKET only taps). Data-plane thread only; no allocation, no locks.
 */
final class PacketPipeline {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMPV6 = 58;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;

    private final ConnectionTracker connections;
    private final Forwarder[] forwarderByMethod;
    private final DataPlaneCounters counters;
    private final DataPlaneEvents events;
    private final ArpAgent arp;
    private final PersistentScheduling persistence;
    private final Ipv4Path ipv4;
    private final Ipv6Path ipv6;
    private final FrameSink sink;
    private final PacketParser parser = new PacketParser();
    private final FlowKey flow = new FlowKey();
    private final EthernetFrame ethernet = new EthernetFrame();
    private final AddressFamilyPath.QuotedTuple quoted = new AddressFamilyPath.QuotedTuple();
    private final Egress egress = new Egress();
    /** ICMP errors the director sends itself (time exceeded, packet too big): one bucket for both families. */
    private final IcmpRateLimit icmpLimit = new IcmpRateLimit(1000, 50);
    private final MutableDirectBuffer icmpFrame =
        new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(IcmpErrors.MAX_FRAME));
    private TableSnapshot snapshot;

    // The frame being handled (fields, not arguments, so that the steps below stay short).
    /** The current frame's family. */
    private AddressFamilyPath path;
    /** The current frame's offload metadata, sent on with it. */
    private long offload;
    /** The interface the current frame arrived on (where ICMP errors go back). */
    private int ingressIfIndex;
    private long nowNs;
    /** The next hop's MAC address that {@link #wayTo} found. */
    private long nextHopMac;

    PacketPipeline(ConnectionTracker connections, Forwarder[] forwarderByMethod, DataPlaneCounters counters,
                   DataPlaneEvents events, NeighbourTable neighbours, FrameSink sink) {
        this(connections, forwarderByMethod, counters, events, neighbours, new Ipv6Neighbours(), sink);
    }

    PacketPipeline(ConnectionTracker connections, Forwarder[] forwarderByMethod, DataPlaneCounters counters,
                   DataPlaneEvents events, NeighbourTable neighbours, Ipv6Neighbours neighbours6, FrameSink sink) {
        this.connections = connections;
        this.forwarderByMethod = forwarderByMethod;
        this.counters = counters;
        this.events = events;
        this.sink = sink;
        this.arp = new ArpAgent(neighbours, sink, events);
        this.ipv4 = new Ipv4Path(neighbours, arp);
        this.ipv6 = new Ipv6Path(neighbours6, new NeighbourDiscovery(neighbours6, sink, events));
        this.persistence = new PersistentScheduling(connections, events);
    }

    /** Installs a new snapshot (data-plane thread): refreshes changed schedulers, resolves real servers. */
    void install(TableSnapshot next, long nowNs) {
        snapshot = next;
        persistence.install(next);
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
        resolveRealServers(next, ipv4, nowNs);
        resolveRealServers(next, ipv6, nowNs);
    }

    private static void resolveRealServers(TableSnapshot s, AddressFamilyPath family, long nowNs) {
        for (int d = 0; d < s.destinationTotal; d++) {
            if (family.owns(s, d)) {
                int route = family.route(s, s.destinationAddressHi[d], s.destinationAddressLo[d]);
                if (route >= 0) {
                    family.nextHopMac(s, route, s.destinationAddressHi[d], s.destinationAddressLo[d], nowNs);
                }
            }
        }
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
        if (!ParseVerdict.hasFlowKey(verdict)) {
            countIfMalformed(verdict, nic, buffer, offset, length);
            return;
        }
        if (flow.vlanId() != FlowKey.ABSENT) {
            return; // not ours: the kernel has its own copy
        }
        AddressFamilyPath family = flow.isIpv4() ? ipv4 : flow.isIpv6() ? ipv6 : null;
        if (family == null || family.onLinkMessage(s, nic, buffer, offset, flow)) {
            return;
        }
        path = family;
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
        int af = family.family();
        ConnectionTable t = connections.table();
        int e = t.findInbound(af, protocol, flow.srcHi(), flow.srcLo(), flow.srcPort(),
            flow.dstHi(), flow.dstLo(), flow.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            if (s.hasFwmarkServices() && s.isFwmarkServiceSlot(t.serviceId(e))) {
                return; // the kernel marks this packet and queues it to lvsd: that copy is forwarded (docs/fwmark.md)
            }
            // A new SYN on a TIME_WAIT entry keeps the entry (the state table takes it to SYN_RECV)
            // rather than rescheduling as the kernel's conn_reuse_mode does: same real server.
            toRealServer(s, e, buffer, offset, checksumPartial, nowNs, nowMs);
            return;
        }
        e = t.findOutbound(af, protocol, flow.srcHi(), flow.srcLo(), flow.srcPort(),
            flow.dstHi(), flow.dstLo(), flow.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, checksumPartial, nowNs, nowMs);
            return;
        }
        int service = family.service(s, flow);
        if (service == TableSnapshot.NO_SERVICE) {
            if (family.isMasqueradedRealServer(s, protocol, flow.srcHi(), flow.srcLo(), flow.srcPort())) {
                // A reply with no connection: the kernel would leak it with the RS's own address; we drop it.
                events.count(DataPlaneEvents.DROPPED_UNMATCHED_REPLY);
            }
            return;
        }
        if (protocol == TCP && (flow.tcpFlags() & (TCP_SYN | TCP_RST)) != TCP_SYN) {
            return; // only a SYN starts a TCP connection; the guard keeps the kernel from answering
        }
        scheduleAndForward(s, service, buffer, offset, checksumPartial, nowNs, nowMs);
    }

    /**
     * Counts a frame that does not parse, by reason, when it was sent to this NIC (or is too short to
     * say where it was sent): broadcasts and other hosts' frames that happen to be malformed (a DHCP
     * client's, say) are not the director's to count. The kernel's copy meets its own checks.
     */
    private void countIfMalformed(int verdict, Nic nic, MutableDirectBuffer buffer, int offset, int length) {
        if (!ParseVerdict.isMalformed(verdict)) {
            return;
        }
        if (length >= EthernetFrame.HEADER_LENGTH) {
            ethernet.wrap(buffer, offset, length);
            if (ethernet.destination() != nic.mac()) {
                return;
            }
        }
        events.countMalformed(verdict);
    }

    /**
     * A packet the director's kernel queued to lvsd after the operator's rules marked it (docs/fwmark.md):
     * IPv4 or IPv6, complete (no offload metadata), with a synthetic Ethernet header. Its connection if it
     * has one, else the service of its family for its mark, else the address/port service (§1.2), schedules it. Returns true
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
        if (!ParseVerdict.hasFlowKey(verdict) || !flow.isIpv4() && !flow.isIpv6()
            || flow.icmpInnerOffset() != FlowKey.ABSENT) {
            return false;
        }
        path = flow.isIpv4() ? ipv4 : ipv6;
        int protocol = flow.protocol();
        if (protocol != TCP && protocol != UDP) {
            return false;
        }
        int e = connections.table().findInbound(path.family(), protocol, flow.srcHi(), flow.srcLo(), flow.srcPort(),
            flow.dstHi(), flow.dstLo(), flow.dstPort());
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, false, nowNs, nowMs);
            return true;
        }
        int service = s.serviceForMark(path.family(), mark);
        if (service == TableSnapshot.NO_SERVICE) {
            service = path.service(s, flow);
        }
        if (service == TableSnapshot.NO_SERVICE
            || protocol == TCP && (flow.tcpFlags() & (TCP_SYN | TCP_RST)) != TCP_SYN) {
            return false; // IPVS accepts what it cannot schedule: the local stack answers (RST)
        }
        scheduleAndForward(s, service, buffer, offset, false, nowNs, nowMs);
        return true;
    }

    private void scheduleAndForward(TableSnapshot s, int service, MutableDirectBuffer buffer, int offset,
                                    boolean partial, long nowNs, long nowMs) {
        int e = schedule(s, service, buffer, nowMs);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            if ((connections.table().flags(e) & ConnectionFlags.ONE_PACKET) != 0) {
                connections.releaseOnePacket(e, nowMs); // OPS: the entry lives for this datagram only
            }
        }
    }

    /**
     * ip_vs_schedule: a new connection through a template (persistent service; {@code -M} is a mask for
     * IPv4, a prefix length for IPv6) or the scheduler alone.
     */
    private int schedule(TableSnapshot s, int service, MutableDirectBuffer buffer, long nowMs) {
        int serviceFlags = s.serviceFlags[service];
        int onePacket = (serviceFlags & ServiceFlags.ONEPACKET) != 0 && flow.protocol() == UDP
            ? ConnectionFlags.ONE_PACKET : 0;
        int e;
        if ((serviceFlags & ServiceFlags.PERSISTENT) != 0) {
            e = persistence.schedule(s, service, flow, buffer, s.serviceFwmark[service], onePacket, nowMs);
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
        int af = path.family();
        int realPort = s.destinationPort[d] != 0 ? s.destinationPort[d] : flow.dstPort();
        int e = connections.open(af, flow.protocol(), flow.srcHi(), flow.srcLo(), flow.srcPort(),
            flow.dstHi(), flow.dstLo(), flow.dstPort(),
            af, s.destinationAddressHi[d], s.destinationAddressLo[d], realPort,
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
        int route = wayTo(s, t.destinationAddressHi(e), t.destinationAddressLo(e), nowNs);
        if (route < 0) {
            return;
        }
        long mac = nextHopMac;
        int l3Length = flow.l3Length();
        account(t, e, Direction.INPUT, l3Length, nowMs);
        if (f instanceof Encapsulator tunnel) { // before the MTU check: the tunnel's MTU is smaller
            encapsulate(s, tunnel, t.destinationId(e), route, mac, t.destinationAddressHi(e), t.destinationAddressLo(e),
                buffer, offset);
            return;
        }
        if (tooBig(s, route, l3Length, buffer, offset, true)) {
            return;
        }
        int verdict = path.toRealServer(f, buffer, flow, t, e, partial);
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
        int route = wayTo(s, t.clientAddressHi(e), t.clientAddressLo(e), nowNs);
        if (route < 0) {
            return;
        }
        long mac = nextHopMac;
        int l3Length = flow.l3Length();
        account(t, e, Direction.OUTPUT, l3Length, nowMs);
        if (tooBig(s, route, l3Length, buffer, offset, false)) {
            return;
        }
        int verdict = path.toClient(f, buffer, flow, t, e, partial);
        send(s, verdict, route, mac, buffer, offset, DataPlaneEvents.FORWARDED_TO_CLIENT);
    }

    /**
     * The route towards {@code (hi, lo)}, with the next hop's MAC address left in {@link #nextHopMac}; -1
     * (and the drop counted) when there is no route, or no neighbour yet (it is being asked for).
     */
    private int wayTo(TableSnapshot s, long hi, long lo, long nowNs) {
        int route = path.route(s, hi, lo);
        if (route < 0) {
            events.count(DataPlaneEvents.DROPPED_NO_ROUTE);
            return -1;
        }
        long mac = path.nextHopMac(s, route, hi, lo, nowNs);
        if (mac == NeighbourTable.UNKNOWN) {
            events.count(DataPlaneEvents.DROPPED_NO_NEIGHBOUR);
            return -1;
        }
        nextHopMac = mac;
        return route;
    }

    /** A packet of connection {@code e} goes out: its state and timer, and the packet and byte counters. */
    private void account(ConnectionTable t, int e, int direction, int l3Length, long nowMs) {
        connections.onPacket(e, direction, flow.tcpFlags(), nowMs);
        counters.countPacket(t.serviceId(e), t.destinationId(e), direction == Direction.INPUT, l3Length);
    }

    /** TUN (§5.4): the forwarder builds and sends its own frames; the pipeline says where to. */
    private void encapsulate(TableSnapshot s, Encapsulator tunnel, int destinationSlot, int route, long mac,
                             long ripHi, long ripLo, MutableDirectBuffer buffer, int offset) {
        int d = s.destinationForSlot(destinationSlot); // -1: removed from the table, the connection lives on
        int ifIndex = path.interfaceIndex(s, route);
        Nic out = s.nic(ifIndex);
        Nic in = s.nic(ingressIfIndex);
        Egress x = egress;
        x.ifIndex = ifIndex;
        x.sourceMac = out.mac();
        x.nextHopMac = mac;
        x.routeMtu = out.mtu();
        path.tunnelAddresses(x, s, d, out, ripHi, ripLo);
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
            case Encapsulator.DROP_FRAG_NEEDED -> events.count(path.tooBigForTunnelEvent());
            case Encapsulator.DROP_TX_FAILED -> events.count(DataPlaneEvents.DROPPED_TX_FAILED);
            default -> events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
        }
    }

    /**
     * ICMP errors quoting a connection's packet (§5.6): from the client side, or from a real server.
     * (ICMP: only the error types the parser keeps; ICMPv6: every error type, as the kernel handles IPv6.)
     */
    private void onIcmpError(TableSnapshot s, MutableDirectBuffer buffer, int offset, boolean partial,
                             long nowNs, long nowMs) {
        AddressFamilyPath.QuotedTuple q = quoted;
        if (!path.readQuoted(buffer, flow, q)) {
            return;
        }
        if (Offload.flags(offload) == 0 && !icmpChecksumVerifies(buffer)) {
            events.count(DataPlaneEvents.DROPPED_BAD_ICMP_CHECKSUM);
            return;
        }
        int af = path.family();
        ConnectionTable t = connections.table();
        // Our reply VIP:vport -> client was refused somewhere: the quoted packet's destination is the client.
        int e = t.findInbound(af, q.protocol, q.dstHi, q.dstLo, q.dstPort, q.srcHi, q.srcLo, q.srcPort);
        if (e != ConnectionTable.NOT_FOUND) {
            toRealServer(s, e, buffer, offset, partial, nowNs, nowMs);
            return;
        }
        // A real server reports on a client's packet client -> RIP:rport.
        e = t.findOutbound(af, q.protocol, q.dstHi, q.dstLo, q.dstPort, q.srcHi, q.srcLo, q.srcPort);
        if (e != ConnectionTable.NOT_FOUND) {
            toClient(s, e, buffer, offset, partial, nowNs, nowMs);
        }
    }

    /**
     * Whether the ICMP (IPv4) or ICMPv6 (with its pseudo-header) checksum of the frame verifies. The
     * kernel checks it before it translates or forwards an error for a connection (ip_vs_in_icmp,
     * ip_vs_out_icmp), unless the device vouched for it; a damaged error must not reach a real server or
     * a client as if it were sound (NAT would even rewrite a valid checksum over it).
     */
    private boolean icmpChecksumVerifies(MutableDirectBuffer buffer) {
        int l4 = flow.l4Offset();
        int length = flow.packetEnd() - l4;
        long pseudo = flow.isIpv4() ? 0
            : Checksum.pseudoHeaderV6(flow.srcHi(), flow.srcLo(), flow.dstHi(), flow.dstLo(), ICMPV6, length);
        return Checksum.verifies(buffer, l4, length, pseudo);
    }

    private void send(TableSnapshot s, int verdict, int route, long mac, MutableDirectBuffer buffer, int offset,
                      int forwardedEvent) {
        if (verdict == Forwarder.DROP_TTL_EXPIRED) {
            timeExceeded(s, buffer, offset, forwardedEvent == DataPlaneEvents.FORWARDED_TO_REAL_SERVER);
            return;
        }
        if (verdict != Forwarder.FORWARD) {
            events.count(DataPlaneEvents.DROPPED_UNSUPPORTED);
            return;
        }
        int ifIndex = path.interfaceIndex(s, route);
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
     * §5.1 for IPv6: a packet longer than the egress MTU (not GSO, whose segments the kernel cuts to fit)
     * is dropped; unless it is itself an ICMPv6 error, the sender gets ICMPv6 packet too big carrying that
     * MTU. A packet whose hop limit expires gets time exceeded instead (from the forwarder).
     */
    private boolean tooBig(TableSnapshot s, int route, int l3Length, MutableDirectBuffer buffer, int offset,
                           boolean fromClient) {
        if (!path.dropsOversized()) {
            return false;
        }
        Nic out = s.nic(path.interfaceIndex(s, route));
        if (out == null || l3Length <= out.mtu() || Offload.isGso(offload) || flow.ttl() <= 1) {
            return false;
        }
        events.count(DataPlaneEvents.ICMP_PACKET_TOO_BIG_SENT);
        if (mayAnswer(s, buffer)) {
            Nic in = s.nic(ingressIfIndex);
            ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
            int length = path.writePacketTooBig(icmpFrame, ethernet.source(), in, buffer, flow, out.mtu(), fromClient);
            sink.send(ingressIfIndex, icmpFrame, 0, length, Offload.NONE);
        }
        return true;
    }

    /**
     * TTL / hop limit ≤ 1 (§5.1): dropped, and ICMP time exceeded goes back to the sender out of the
     * interface the packet came in on, to the MAC it came from, quoting the packet as received (the
     * forwarders leave it untouched): from the VIP for a client's packet, from our address on that
     * interface for a real server's.
     */
    private void timeExceeded(TableSnapshot s, MutableDirectBuffer buffer, int offset, boolean fromClient) {
        events.count(DataPlaneEvents.DROPPED_TTL_EXPIRED);
        if (!mayAnswer(s, buffer)) {
            return;
        }
        Nic in = s.nic(ingressIfIndex);
        ethernet.wrap(buffer, offset, EthernetFrame.HEADER_LENGTH);
        int length = path.writeTimeExceeded(icmpFrame, ethernet.source(), in, buffer, flow, fromClient);
        if (sink.send(ingressIfIndex, icmpFrame, 0, length, Offload.NONE)) {
            events.count(DataPlaneEvents.ICMP_TIME_EXCEEDED_SENT);
        }
    }

    /**
     * icmp_send's rules for an error about the current packet: we know the interface it came in on, it is
     * not itself an ICMP error, not a later fragment, and the shared rate limit allows one more.
     */
    private boolean mayAnswer(TableSnapshot s, MutableDirectBuffer buffer) {
        return s.nic(ingressIfIndex) != null && flow.icmpInnerOffset() == FlowKey.ABSENT
            && !path.isLaterFragment(buffer, flow) && icmpLimit.allow(nowNs);
    }
}
