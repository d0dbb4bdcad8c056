package lvs.dataplane;

import java.nio.ByteOrder;
import lvs.dataplane.net.Ipv6Neighbours;
import lvs.dataplane.net.Nic;
import lvs.io.Offload;
import lvs.packet.Checksum;
import lvs.packet.EthernetFrame;
import lvs.packet.FlowKey;
import lvs.packet.Icmpv6Header;
import lvs.packet.Ipv6Header;
import lvs.snapshot.TableSnapshot;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The data plane's IPv6 neighbour discovery (RFC 4861), what {@link ArpAgent} is for IPv4: learns
 * neighbours from every advertisement (target → target link-layer address) and solicitation (source →
 * source link-layer address) it sees, answers solicitations for an IPv6 VIP that is not configured on
 * the host (the kernel answers for the ones that are), and sends the solicitations that resolve a
 * missing next hop. Only packets with hop limit 255 and a valid checksum count, as RFC 4861 §7.1 asks
 * (nothing off-link can forge them). One scratch buffer; no allocation per packet.
 */
final class NeighbourDiscovery {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int NDP_HOP_LIMIT = 255;
    private static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    private static final int OPTION_TARGET_LINK_ADDRESS = 2;
    private static final int NA_SOLICITED = 0x40;
    private static final int NA_OVERRIDE = 0x20;
    /** ICMPv6 header, target address, one link-layer address option. */
    private static final int MESSAGE_LENGTH = Icmpv6Header.LENGTH + 16 + 8;
    private static final int FRAME_LENGTH = EthernetFrame.HEADER_LENGTH + Ipv6Header.LENGTH + MESSAGE_LENGTH;
    private static final long SOLICITED_NODE_HI = 0xff02_0000_0000_0000L;
    private static final long SOLICITED_NODE_LO = 0x0000_0001_ff00_0000L;
    private static final long IPV6_MULTICAST_MAC = 0x3333_0000_0000L;

    private final Ipv6Neighbours neighbours;
    private final FrameSink sink;
    private final DataPlaneEvents events;
    private final MutableDirectBuffer scratch = new UnsafeBuffer(new byte[FRAME_LENGTH]);
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv6Header ip = new Ipv6Header();
    private final Icmpv6Header icmp = new Icmpv6Header();

    NeighbourDiscovery(Ipv6Neighbours neighbours, FrameSink sink, DataPlaneEvents events) {
        this.neighbours = neighbours;
        this.sink = sink;
        this.events = events;
    }

    /** True for the ICMPv6 messages this class handles (the pipeline hands them over before any MAC check). */
    static boolean isNeighbourDiscovery(FlowKey flow) {
        return flow.protocol() == Icmpv6Header.PROTOCOL
            && (flow.icmpType() == Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION
            || flow.icmpType() == Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT);
    }

    /** A neighbour solicitation or advertisement received on {@code nic}. */
    void onMessage(TableSnapshot snapshot, Nic nic, MutableDirectBuffer buffer, int frameOffset, FlowKey flow) {
        int l4 = flow.l4Offset();
        int length = flow.packetEnd() - l4;
        if (flow.ttl() != NDP_HOP_LIMIT || flow.icmpCode() != 0 || length < Icmpv6Header.LENGTH + 16
            || !Checksum.verifies(buffer, l4, length, Checksum.pseudoHeaderV6(flow.srcHi(), flow.srcLo(),
            flow.dstHi(), flow.dstLo(), Icmpv6Header.PROTOCOL, length))) {
            return;
        }
        long targetHi = buffer.getLong(l4 + Icmpv6Header.LENGTH, NET);
        long targetLo = buffer.getLong(l4 + Icmpv6Header.LENGTH + 8, NET);
        boolean solicitation = flow.icmpType() == Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION;
        long linkAddress = linkAddressOption(buffer, l4 + Icmpv6Header.LENGTH + 16, flow.packetEnd(),
            solicitation ? OPTION_SOURCE_LINK_ADDRESS : OPTION_TARGET_LINK_ADDRESS);
        boolean unspecifiedSource = flow.srcHi() == 0 && flow.srcLo() == 0;
        if (!solicitation) {
            if (linkAddress == 0) {
                ethernet.wrap(buffer, frameOffset, EthernetFrame.HEADER_LENGTH);
                linkAddress = ethernet.source();
            }
            neighbours.learn(nic.index(), targetHi, targetLo, linkAddress);
            return;
        }
        if (!unspecifiedSource && linkAddress != 0) {
            neighbours.learn(nic.index(), flow.srcHi(), flow.srcLo(), linkAddress);
        }
        // A duplicate-address probe (unspecified source) is not answered: the VIP is not ours to defend.
        if (!unspecifiedSource && snapshot.isVirtualAddress6(targetHi, targetLo) && !nic.hasIpv6(targetHi, targetLo)) {
            ethernet.wrap(buffer, frameOffset, EthernetFrame.HEADER_LENGTH);
            long to = linkAddress != 0 ? linkAddress : ethernet.source();
            write(nic, to, targetHi, targetLo, flow.srcHi(), flow.srcLo(), Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NA_SOLICITED | NA_OVERRIDE, targetHi, targetLo, OPTION_TARGET_LINK_ADDRESS);
            events.count(DataPlaneEvents.ARP_REPLIES_SENT);
        }
    }

    /** Sends a solicitation for the address on {@code nic} unless one went out less than a second ago. */
    void resolve(Nic nic, long hi, long lo, long nowNs) {
        if (!nic.hasAnyIpv6() || !neighbours.shouldRequest(nic.index(), hi, lo, nowNs)) {
            return; // without an address of our own on the link there is no valid source to ask from
        }
        long groupLo = SOLICITED_NODE_LO | (lo & 0xff_ffffL);
        write(nic, IPV6_MULTICAST_MAC | (groupLo & 0xffff_ffffL), nic.primaryIpv6Hi(), nic.primaryIpv6Lo(),
            SOLICITED_NODE_HI, groupLo, Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, hi, lo, OPTION_SOURCE_LINK_ADDRESS);
        events.count(DataPlaneEvents.ARP_REQUESTS_SENT);
    }

    /** The MAC of the first option of {@code type} between {@code at} and {@code end}, or 0. */
    private static long linkAddressOption(MutableDirectBuffer buffer, int at, int end, int type) {
        while (at + 8 <= end) {
            int units = buffer.getByte(at + 1) & 0xff;
            if (units == 0) {
                return 0; // RFC 4861 §4.6: a zero-length option makes the whole packet invalid
            }
            if ((buffer.getByte(at) & 0xff) == type && units == 1) {
                return (buffer.getShort(at + 2, NET) & 0xffffL) << 32 | (buffer.getInt(at + 4, NET) & 0xffff_ffffL);
            }
            at += units * 8;
        }
        return 0;
    }

    private void write(Nic nic, long ethernetDestination, long srcHi, long srcLo, long dstHi, long dstLo,
                       int type, int flags, long targetHi, long targetLo, int option) {
        ethernet.wrap(scratch, 0, FRAME_LENGTH);
        ethernet.destination(ethernetDestination).source(nic.mac()).etherType(EthernetFrame.TYPE_IPV6);
        int l3 = EthernetFrame.HEADER_LENGTH;
        ip.wrap(scratch, l3, Ipv6Header.LENGTH + MESSAGE_LENGTH);
        ip.versionClassLabel(0, 0).payloadLength(MESSAGE_LENGTH).nextHeader(Icmpv6Header.PROTOCOL)
            .hopLimit(NDP_HOP_LIMIT).source(srcHi, srcLo).destination(dstHi, dstLo);
        int l4 = l3 + Ipv6Header.LENGTH;
        scratch.putInt(l4 + 4, flags << 24, NET);
        scratch.putLong(l4 + 8, targetHi, NET);
        scratch.putLong(l4 + 16, targetLo, NET);
        scratch.putByte(l4 + 24, (byte) option);
        scratch.putByte(l4 + 25, (byte) 1);
        long mac = nic.mac();
        scratch.putShort(l4 + 26, (short) (mac >>> 32), NET);
        scratch.putInt(l4 + 28, (int) mac, NET);
        icmp.wrap(scratch, l4, MESSAGE_LENGTH);
        icmp.type(type).code(0).updateChecksum(ip.pseudoHeaderSum(Icmpv6Header.PROTOCOL, MESSAGE_LENGTH), MESSAGE_LENGTH);
        sink.send(nic.index(), scratch, 0, FRAME_LENGTH, Offload.NONE);
    }
}
