package lvs.packet;

/**
 * What {@link PacketParser#classify} concluded about a frame, as small ints so that callers can keep
 * one counter per verdict in a {@code long[ParseVerdict.COUNT]} without boxing or maps.
 *
 * <p>{@link #OK} and {@link #TTL_EXPIRED} come with a fully filled {@link FlowKey}
 * ({@link #hasFlowKey}); {@link #ARP} fills the Ethernet part and the ARP offset; {@link #NOT_IP} is
 * traffic lvsd ignores (LLDP, QinQ, ...). Every other verdict is a distinct reason to drop a malformed
 * frame.
 */
public final class ParseVerdict {
    /** An IPv4/IPv6 packet with a sane header chain; the key is filled. */
    public static final int OK = 0;
    /** An ARP packet over Ethernet for IPv4 (for the VIP ARP responder). */
    public static final int ARP = 1;
    /** Neither IPv4, IPv6 nor ARP; not ours. */
    public static final int NOT_IP = 2;
    /** TTL or hop limit is 0 or 1, so forwarding it would expire it; the key is still fully filled. */
    public static final int TTL_EXPIRED = 3;
    /** Shorter than an Ethernet header (or its VLAN tag). */
    public static final int TRUNCATED_ETHERNET = 4;
    /** ARP shorter than 28 bytes, or not Ethernet/IPv4 ARP. */
    public static final int BAD_ARP = 5;
    /** Shorter than the fixed IPv4 (20) or IPv6 (40) header. */
    public static final int TRUNCATED_IP = 6;
    /** The IP version nibble does not match the EtherType. */
    public static final int BAD_IP_VERSION = 7;
    /** IPv4 IHL below 5, or the options run past the frame. */
    public static final int BAD_IHL = 8;
    /** IPv4 total length (or IPv6 payload length) smaller than the header or longer than the frame. */
    public static final int BAD_IP_LENGTH = 9;
    /** The IPv4 header checksum does not verify. */
    public static final int BAD_IP_CHECKSUM = 10;
    /** A fragment (IPv4 MF or offset, IPv6 fragment header other than an atomic one): not handled. */
    public static final int FRAGMENT = 11;
    /** Source address that can never appear on the wire: loopback, multicast, broadcast. */
    public static final int MARTIAN_SOURCE = 12;
    /** IPv6 extension header chain truncated or longer than {@link PacketParser#MAX_IPV6_EXTENSION_HEADERS}. */
    public static final int BAD_IPV6_EXTENSION = 13;
    /** TCP header truncated, or its data offset below 5 or past the packet. */
    public static final int BAD_TCP_HEADER = 14;
    /** UDP header truncated, or its length field disagrees with the IP length. */
    public static final int BAD_UDP_HEADER = 15;
    /** ICMP/ICMPv6 header shorter than 8 bytes. */
    public static final int BAD_ICMP_HEADER = 16;
    /** SCTP common header shorter than 12 bytes. */
    public static final int BAD_SCTP_HEADER = 17;

    /** Number of verdicts: size of a per-verdict counter array. */
    public static final int COUNT = 18;

    private static final String[] NAMES = {
        "ok", "arp", "not_ip", "ttl_expired", "truncated_ethernet", "bad_arp", "truncated_ip",
        "bad_ip_version", "bad_ihl", "bad_ip_length", "bad_ip_checksum", "fragment", "martian_source",
        "bad_ipv6_extension", "bad_tcp_header", "bad_udp_header", "bad_icmp_header", "bad_sctp_header",
    };

    private ParseVerdict() {
    }

    /** True for the verdicts that come with a fully filled {@link FlowKey}. */
    public static boolean hasFlowKey(int verdict) {
        return verdict == OK || verdict == TTL_EXPIRED;
    }

    /** True for malformed-frame verdicts, the ones to count as drops. */
    public static boolean isMalformed(int verdict) {
        return verdict >= TRUNCATED_ETHERNET && verdict != TTL_EXPIRED;
    }

    /** A stable snake_case name for counters and logs (a constant, not allocated). */
    public static String name(int verdict) {
        return verdict >= 0 && verdict < COUNT ? NAMES[verdict] : "unknown";
    }
}
