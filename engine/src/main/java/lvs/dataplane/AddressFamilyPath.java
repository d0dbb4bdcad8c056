package lvs.dataplane;

import lvs.conn.ConnectionTable;
import lvs.dataplane.net.Nic;
import lvs.packet.FlowKey;
import lvs.snapshot.TableSnapshot;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What {@link PacketPipeline} does differently for IPv4 and IPv6: the service lookup, the route and
 * next hop (ARP or neighbour discovery), which of a {@link Forwarder}'s two signatures to call, where
 * a quoted packet's tuple sits in an ICMP error, and how the director's own ICMP errors are written.
 * Addresses are (hi, lo) as in {@link FlowKey}, so the rest of the pipeline is the same for both.
 * One instance per family and pipeline; data-plane thread only; no allocation, no locks.
 */
abstract class AddressFamilyPath {
    /** {@link ConnectionTable#AF_INET} or {@link ConnectionTable#AF_INET6} (= {@link FlowKey#family()}). */
    abstract int family();

    /**
     * Handles a control message of this family's link layer that is not for forwarding (neighbour
     * discovery); returns true when the frame was one.
     */
    boolean onLinkMessage(TableSnapshot s, Nic nic, MutableDirectBuffer buffer, int offset, FlowKey flow) {
        return false;
    }

    /** The service for the packet's destination (address:port, then port 0), or {@link TableSnapshot#NO_SERVICE}. */
    abstract int service(TableSnapshot s, FlowKey flow);

    /** The route to {@code (hi, lo)}, or a negative value when there is none. */
    abstract int route(TableSnapshot s, long hi, long lo);

    abstract int interfaceIndex(TableSnapshot s, int route);

    /**
     * The next hop's MAC address for {@code (hi, lo)} over {@code route}; a missing one is asked for
     * (ARP request, neighbour solicitation) and {@link lvs.dataplane.net.NeighbourTable#UNKNOWN} returned.
     */
    abstract long nextHopMac(TableSnapshot s, int route, long hi, long lo, long nowNs);

    /** The forwarder's rewrite towards the real server of connection {@code e}. */
    abstract int toRealServer(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e,
                              boolean partial);

    /** The forwarder's rewrite of a real server's reply for connection {@code e}. */
    abstract int toClient(Forwarder f, MutableDirectBuffer buffer, FlowKey flow, ConnectionTable t, int e,
                          boolean partial);

    /** Reads the tuple of the packet an ICMP error quotes; false when it is cut short. */
    abstract boolean readQuoted(DirectBuffer buffer, FlowKey flow, QuotedTuple out);

    /**
     * True for a packet too big for its egress MTU that must be dropped with an error to the sender
     * (IPv6: routers do not fragment). IPv4 packets are left to the kernel's fragmentation.
     */
    abstract boolean dropsOversized();

    /** True when this packet must not get an ICMP error because it is a non-first fragment. */
    abstract boolean isLaterFragment(DirectBuffer buffer, FlowKey flow);

    /**
     * Writes an ICMP time exceeded (TTL / hop limit) about the packet in {@code buffer} into {@code out} at
     * 0, to {@code toMac} from interface {@code in}: from the address the client sent to when
     * {@code fromClient}, else from our first address on {@code in}. Returns the frame length.
     */
    abstract int writeTimeExceeded(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow,
                                   boolean fromClient);

    /** Writes an ICMPv6 packet too big carrying {@code mtu} (IPv6 only; see {@link #dropsOversized}). */
    abstract int writePacketTooBig(MutableDirectBuffer out, long toMac, Nic in, DirectBuffer buffer, FlowKey flow,
                                   int mtu, boolean fromClient);

    /**
     * TUN: the outer addresses for real server {@code (hi, lo)}: the source the kernel caches for
     * destination {@code d} (-1 when it left the table), else our first address on {@code out}.
     */
    abstract void tunnelAddresses(Egress x, TableSnapshot s, int d, Nic out, long hi, long lo);

    /** The {@link DataPlaneEvents} counter of a packet too big for the tunnel, answered with an error. */
    abstract int tooBigForTunnelEvent();

    /** True when destination {@code d} of the snapshot is of this family. */
    final boolean owns(TableSnapshot s, int d) {
        return s.serviceFamily[s.destinationService[d]] == family();
    }

    /**
     * True when {@code (hi, lo):port} is a masquerading real server of some service for {@code protocol}
     * (a reply without a connection, which the pipeline counts and drops).
     */
    final boolean isMasqueradedRealServer(TableSnapshot s, int protocol, long hi, long lo, int port) {
        for (int d = 0; d < s.destinationTotal; d++) {
            int service = s.destinationService[d];
            if (s.destinationAddressLo[d] == lo && s.destinationAddressHi[d] == hi && s.destinationPort[d] == port
                && s.destinationMethod[d] == 0 && s.serviceProtocol[service] == protocol
                && s.serviceFamily[service] == family()) {
                return true;
            }
        }
        return false;
    }

    /** The transport tuple of a packet quoted in an ICMP error (one reused instance). */
    static final class QuotedTuple {
        int protocol;
        long srcHi;
        long srcLo;
        long dstHi;
        long dstLo;
        int srcPort;
        int dstPort;
    }
}
