package lvs.packet;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * Validates an Ethernet frame and fills a reused {@link FlowKey}: the one place where untrusted bytes
 * are checked, so that forwarders may wrap flyweights at the key's offsets without bounds checks.
 *
 * <p>Stateless and allocation-free; never throws for malformed input. The verdict is one of
 * {@link ParseVerdict}'s constants. Checks, in order: Ethernet (one optional 802.1Q tag), IP version,
 * IPv4 IHL, total/payload length against the frame (trailing Ethernet padding is allowed), IPv4 header
 * checksum, fragments, martian sources, the IPv6 extension header chain, the transport header, and last
 * TTL/hop limit (so that {@link ParseVerdict#TTL_EXPIRED} still comes with a full key for the ICMP
 * time-exceeded reply). Transport checksums are not verified: frames from virtual NICs legitimately
 * carry partial ones (see {@link lvs.io.Offload}).
 */
public final class PacketParser {
    /** More IPv6 extension headers than this is treated as an attack, not a packet. */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_SCTP = 132;
    private static final int SCTP_COMMON_HEADER = 12;

    /** Classifies the frame of {@code length} bytes at {@code offset}; see the class comment. */
    public int classify(DirectBuffer buffer, int offset, int length, FlowKey key) {
        key.clear();
        int end = offset + length;
        if (length < EthernetFrame.HEADER_LENGTH) {
            return ParseVerdict.TRUNCATED_ETHERNET;
        }
        int type = u16(buffer, offset + EthernetFrame.ETHER_TYPE_OFFSET);
        int l3 = offset + EthernetFrame.HEADER_LENGTH;
        if (type == EthernetFrame.TYPE_VLAN) {
            if (length < EthernetFrame.HEADER_LENGTH + EthernetFrame.VLAN_TAG_LENGTH) {
                return ParseVerdict.TRUNCATED_ETHERNET;
            }
            key.vlanId(u16(buffer, offset + EthernetFrame.TCI_OFFSET) & 0x0FFF);
            type = u16(buffer, offset + EthernetFrame.TCI_OFFSET + 2);
            l3 += EthernetFrame.VLAN_TAG_LENGTH;
        }
        key.etherType(type);
        switch (type) {
            case EthernetFrame.TYPE_IPV4:
                return ipv4(buffer, l3, end, key);
            case EthernetFrame.TYPE_IPV6:
                return ipv6(buffer, l3, end, key);
            case EthernetFrame.TYPE_ARP:
                return arp(buffer, l3, end, key);
            default:
                return ParseVerdict.NOT_IP;
        }
    }

    private static int arp(DirectBuffer buffer, int l3, int end, FlowKey key) {
        if (end - l3 < ArpPacket.LENGTH
            || u16(buffer, l3) != ArpPacket.HARDWARE_ETHERNET || u16(buffer, l3 + 2) != EthernetFrame.TYPE_IPV4
            || u8(buffer, l3 + 4) != 6 || u8(buffer, l3 + 5) != 4) {
            return ParseVerdict.BAD_ARP;
        }
        key.offsets(l3, FlowKey.ABSENT, FlowKey.ABSENT, l3 + ArpPacket.LENGTH);
        return ParseVerdict.ARP;
    }

    private static int ipv4(DirectBuffer buffer, int l3, int frameEnd, FlowKey key) {
        if (frameEnd - l3 < Ipv4Header.MIN_LENGTH) {
            return ParseVerdict.TRUNCATED_IP;
        }
        int versionIhl = u8(buffer, l3);
        if (versionIhl >>> 4 != 4) {
            return ParseVerdict.BAD_IP_VERSION;
        }
        int headerLength = (versionIhl & 0x0F) << 2;
        if (headerLength < Ipv4Header.MIN_LENGTH || l3 + headerLength > frameEnd) {
            return ParseVerdict.BAD_IHL;
        }
        int totalLength = u16(buffer, l3 + Ipv4Header.TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength || l3 + totalLength > frameEnd) {
            return ParseVerdict.BAD_IP_LENGTH;
        }
        if (!Checksum.verifies(buffer, l3, headerLength, 0)) {
            return ParseVerdict.BAD_IP_CHECKSUM;
        }
        if ((u16(buffer, l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET)
            & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0) {
            return ParseVerdict.FRAGMENT;
        }
        int src = buffer.getInt(l3 + Ipv4Header.SOURCE_OFFSET, NET);
        int dst = buffer.getInt(l3 + Ipv4Header.DESTINATION_OFFSET, NET);
        // 127/8 from the wire, 224/4 multicast and 240/4 incl. 255.255.255.255 can never be a source
        if ((src >>> 24) == 127 || (src >>> 28) >= 0xE) {
            return ParseVerdict.MARTIAN_SOURCE;
        }
        int protocol = u8(buffer, l3 + Ipv4Header.PROTOCOL_OFFSET);
        int ttl = u8(buffer, l3 + Ipv4Header.TTL_OFFSET);
        key.family(FlowKey.FAMILY_INET).protocol(protocol).ttl(ttl)
            .src(0, src & 0xFFFF_FFFFL).dst(0, dst & 0xFFFF_FFFFL);
        int verdict = transport(buffer, l3, l3 + headerLength, l3 + totalLength, protocol, false, key);
        return verdict == ParseVerdict.OK && ttl <= 1 ? ParseVerdict.TTL_EXPIRED : verdict;
    }

    private static int ipv6(DirectBuffer buffer, int l3, int frameEnd, FlowKey key) {
        if (frameEnd - l3 < Ipv6Header.LENGTH) {
            return ParseVerdict.TRUNCATED_IP;
        }
        if (u8(buffer, l3) >>> 4 != 6) {
            return ParseVerdict.BAD_IP_VERSION;
        }
        int packetEnd = l3 + Ipv6Header.LENGTH + u16(buffer, l3 + Ipv6Header.PAYLOAD_LENGTH_OFFSET);
        if (packetEnd > frameEnd) {
            return ParseVerdict.BAD_IP_LENGTH; // includes jumbograms (payload length 0 + hop-by-hop)
        }
        long srcHi = buffer.getLong(l3 + Ipv6Header.SOURCE_OFFSET, NET);
        long srcLo = buffer.getLong(l3 + Ipv6Header.SOURCE_OFFSET + 8, NET);
        boolean loopback = srcHi == 0 && srcLo == 1;
        if ((srcHi >>> 56) == 0xFF || loopback) {
            return ParseVerdict.MARTIAN_SOURCE;
        }
        int ttl = u8(buffer, l3 + Ipv6Header.HOP_LIMIT_OFFSET);
        key.family(FlowKey.FAMILY_INET6).ttl(ttl).src(srcHi, srcLo)
            .dst(buffer.getLong(l3 + Ipv6Header.DESTINATION_OFFSET, NET),
                buffer.getLong(l3 + Ipv6Header.DESTINATION_OFFSET + 8, NET));

        int next = u8(buffer, l3 + Ipv6Header.NEXT_HEADER_OFFSET);
        int at = l3 + Ipv6Header.LENGTH;
        for (int n = 0; isExtensionHeader(next); n++) {
            if (n == MAX_IPV6_EXTENSION_HEADERS || at + 8 > packetEnd) {
                return ParseVerdict.BAD_IPV6_EXTENSION;
            }
            int headerLength;
            if (next == Ipv6Header.NH_FRAGMENT) {
                // an "atomic fragment" (offset 0, M clear) is a whole packet; anything else is a piece
                if ((u16(buffer, at + 2) & 0xFFF9) != 0) {
                    return ParseVerdict.FRAGMENT;
                }
                headerLength = 8;
            } else if (next == Ipv6Header.NH_AH) {
                headerLength = (u8(buffer, at + 1) + 2) << 2;
            } else {
                headerLength = (u8(buffer, at + 1) + 1) << 3;
            }
            next = u8(buffer, at);
            at += headerLength;
            if (at > packetEnd) {
                return ParseVerdict.BAD_IPV6_EXTENSION;
            }
        }
        key.protocol(next);
        int verdict = transport(buffer, l3, at, packetEnd, next, true, key);
        return verdict == ParseVerdict.OK && ttl <= 1 ? ParseVerdict.TTL_EXPIRED : verdict;
    }

    private static boolean isExtensionHeader(int next) {
        return next == Ipv6Header.NH_HOP_BY_HOP || next == Ipv6Header.NH_ROUTING || next == Ipv6Header.NH_FRAGMENT
            || next == Ipv6Header.NH_DESTINATION_OPTIONS || next == Ipv6Header.NH_AH;
    }

    private static int transport(
        DirectBuffer buffer, int l3, int l4, int packetEnd, int protocol, boolean v6, FlowKey key) {
        int available = packetEnd - l4;
        int payload;
        switch (protocol) {
            case PROTO_TCP: {
                if (available < TcpHeader.MIN_LENGTH) {
                    return ParseVerdict.BAD_TCP_HEADER;
                }
                int headerLength = (u8(buffer, l4 + TcpHeader.DATA_OFFSET_OFFSET) >>> 4) << 2;
                if (headerLength < TcpHeader.MIN_LENGTH || headerLength > available) {
                    return ParseVerdict.BAD_TCP_HEADER;
                }
                key.ports(u16(buffer, l4), u16(buffer, l4 + 2)).tcpFlags(u8(buffer, l4 + TcpHeader.FLAGS_OFFSET));
                payload = l4 + headerLength;
                break;
            }
            case PROTO_UDP: {
                if (available < UdpHeader.LENGTH) {
                    return ParseVerdict.BAD_UDP_HEADER;
                }
                int datagramLength = u16(buffer, l4 + UdpHeader.LENGTH_OFFSET);
                if (datagramLength < UdpHeader.LENGTH || datagramLength > available) {
                    return ParseVerdict.BAD_UDP_HEADER;
                }
                key.ports(u16(buffer, l4), u16(buffer, l4 + 2));
                payload = l4 + UdpHeader.LENGTH;
                break;
            }
            case PROTO_SCTP: {
                if (available < SCTP_COMMON_HEADER) {
                    return ParseVerdict.BAD_SCTP_HEADER;
                }
                key.ports(u16(buffer, l4), u16(buffer, l4 + 2));
                payload = l4 + SCTP_COMMON_HEADER;
                break;
            }
            case PROTO_ICMP:
            case Icmpv6Header.PROTOCOL: {
                if ((protocol == PROTO_ICMP) == v6) {
                    payload = FlowKey.ABSENT; // ICMPv4 inside IPv6 or the reverse: carry it, do not interpret
                    break;
                }
                if (available < IcmpHeader.LENGTH) {
                    return ParseVerdict.BAD_ICMP_HEADER;
                }
                int type = u8(buffer, l4);
                key.icmp(type, u8(buffer, l4 + 1));
                payload = l4 + IcmpHeader.LENGTH;
                boolean error = v6 ? Icmpv6Header.isError(type) : IcmpHeader.isError(type);
                int minimumQuote = v6 ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
                if (error && packetEnd - payload >= minimumQuote) {
                    key.icmpInnerOffset(payload);
                }
                break;
            }
            default:
                payload = FlowKey.ABSENT;
        }
        key.offsets(l3, l4, payload, packetEnd);
        return ParseVerdict.OK;
    }

    private static int u8(DirectBuffer buffer, int index) {
        return buffer.getByte(index) & 0xFF;
    }

    private static int u16(DirectBuffer buffer, int index) {
        return buffer.getShort(index, NET) & 0xFFFF;
    }
}
