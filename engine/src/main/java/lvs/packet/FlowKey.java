package lvs.packet;

/**
 * The classified identity of one frame: address family, transport protocol, addresses, ports and the
 * offsets of its headers. One instance is reused for every frame (filled by {@link PacketParser}), so
 * nothing is allocated per packet; copy the fields out if they must outlive the next frame.
 *
 * <p>Addresses are two longs each, network byte order read big-endian: for IPv6 {@code hi} holds bytes
 * 0..7 and {@code lo} bytes 8..15; for IPv4 {@code hi} is 0 and {@code lo} is the address as an
 * unsigned 32-bit value (198.18.0.1 is {@code 0xC612_0001L}). The family tells the two apart.
 *
 * <p>Ports are 0..65535 for TCP, UDP and SCTP and 0 otherwise. ICMP type and code are -1 for non-ICMP
 * frames. Offsets are absolute indices into the buffer the frame was parsed from.
 */
public final class FlowKey {
    /** {@link #family()} of an IPv4 frame: the kernel's AF_INET, as {@code lvs.model.AddressFamily.INET}. */
    public static final int FAMILY_INET = 2;
    /** {@link #family()} of an IPv6 frame: the kernel's AF_INET6. */
    public static final int FAMILY_INET6 = 10;
    /** {@link #family()} when the frame is not IP (ARP, or a key that was cleared). */
    public static final int FAMILY_NONE = 0;
    /** Offsets and ids that do not apply are -1. */
    public static final int ABSENT = -1;

    private int family;
    private int protocol;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int icmpType;
    private int icmpCode;
    private int tcpFlags;
    private int ttl;
    private int vlanId;
    private int etherType;
    private int l3Offset;
    private int l4Offset;
    private int payloadOffset;
    private int packetEnd;
    private int icmpInnerOffset;

    /** Resets every field to "nothing parsed". */
    public FlowKey clear() {
        family = FAMILY_NONE;
        protocol = 0;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        srcPort = 0;
        dstPort = 0;
        icmpType = ABSENT;
        icmpCode = ABSENT;
        tcpFlags = 0;
        ttl = 0;
        vlanId = ABSENT;
        etherType = 0;
        l3Offset = ABSENT;
        l4Offset = ABSENT;
        payloadOffset = ABSENT;
        packetEnd = ABSENT;
        icmpInnerOffset = ABSENT;
        return this;
    }

    public FlowKey() {
        clear();
    }

    /** Copies every field of {@code other} into this key (for keeping a key beyond the next frame). */
    public FlowKey copyFrom(FlowKey other) {
        family = other.family;
        protocol = other.protocol;
        srcHi = other.srcHi;
        srcLo = other.srcLo;
        dstHi = other.dstHi;
        dstLo = other.dstLo;
        srcPort = other.srcPort;
        dstPort = other.dstPort;
        icmpType = other.icmpType;
        icmpCode = other.icmpCode;
        tcpFlags = other.tcpFlags;
        ttl = other.ttl;
        vlanId = other.vlanId;
        etherType = other.etherType;
        l3Offset = other.l3Offset;
        l4Offset = other.l4Offset;
        payloadOffset = other.payloadOffset;
        packetEnd = other.packetEnd;
        icmpInnerOffset = other.icmpInnerOffset;
        return this;
    }

    /** {@link #FAMILY_INET}, {@link #FAMILY_INET6} or {@link #FAMILY_NONE}. */
    public int family() {
        return family;
    }

    public boolean isIpv4() {
        return family == FAMILY_INET;
    }

    public boolean isIpv6() {
        return family == FAMILY_INET6;
    }

    /** IPPROTO_* of the transport header after any IPv6 extension headers: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6... */
    public int protocol() {
        return protocol;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** The IPv4 source as a host-order int (only meaningful for IPv4). */
    public int srcIpv4() {
        return (int) srcLo;
    }

    /** The IPv4 destination as a host-order int (only meaningful for IPv4). */
    public int dstIpv4() {
        return (int) dstLo;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** ICMP or ICMPv6 type, or -1. */
    public int icmpType() {
        return icmpType;
    }

    /** ICMP or ICMPv6 code, or -1. */
    public int icmpCode() {
        return icmpCode;
    }

    /** TCP flag bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80), else 0. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** IPv4 TTL or IPv6 hop limit as received. */
    public int ttl() {
        return ttl;
    }

    /** The 802.1Q VLAN id of the frame's single tag, or -1 when untagged. */
    public int vlanId() {
        return vlanId;
    }

    /** The EtherType after any VLAN tag: 0x0800, 0x86DD, 0x0806... */
    public int etherType() {
        return etherType;
    }

    /** Index of the IPv4/IPv6 (or ARP) header. */
    public int l3Offset() {
        return l3Offset;
    }

    /** Index of the transport header (after IPv4 options and IPv6 extension headers). */
    public int l4Offset() {
        return l4Offset;
    }

    /** Index of the first byte after the transport header; -1 if the protocol is not understood. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Index one past the IP packet's last byte (from its length field; Ethernet padding is excluded). */
    public int packetEnd() {
        return packetEnd;
    }

    /** For ICMP/ICMPv6 error messages: index of the embedded (quoted) IP header, or -1. */
    public int icmpInnerOffset() {
        return icmpInnerOffset;
    }

    /** Bytes of the IP packet: header, extension headers, transport header and payload. */
    public int l3Length() {
        return packetEnd - l3Offset;
    }

    // ---- setters: used by the parser, and by callers building lookup keys (e.g. the reverse tuple) ----

    public FlowKey family(int family) {
        this.family = family;
        return this;
    }

    public FlowKey protocol(int protocol) {
        this.protocol = protocol;
        return this;
    }

    public FlowKey src(long hi, long lo) {
        srcHi = hi;
        srcLo = lo;
        return this;
    }

    public FlowKey dst(long hi, long lo) {
        dstHi = hi;
        dstLo = lo;
        return this;
    }

    public FlowKey ports(int srcPort, int dstPort) {
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    public FlowKey icmp(int type, int code) {
        icmpType = type;
        icmpCode = code;
        return this;
    }

    public FlowKey tcpFlags(int flags) {
        tcpFlags = flags;
        return this;
    }

    public FlowKey ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public FlowKey vlanId(int vlanId) {
        this.vlanId = vlanId;
        return this;
    }

    public FlowKey etherType(int etherType) {
        this.etherType = etherType;
        return this;
    }

    public FlowKey offsets(int l3Offset, int l4Offset, int payloadOffset, int packetEnd) {
        this.l3Offset = l3Offset;
        this.l4Offset = l4Offset;
        this.payloadOffset = payloadOffset;
        this.packetEnd = packetEnd;
        return this;
    }

    public FlowKey icmpInnerOffset(int offset) {
        icmpInnerOffset = offset;
        return this;
    }

    /** Swaps source and destination addresses and ports: the key of the reply direction. */
    public FlowKey reverse() {
        long h = srcHi;
        long l = srcLo;
        srcHi = dstHi;
        srcLo = dstLo;
        dstHi = h;
        dstLo = l;
        int p = srcPort;
        srcPort = dstPort;
        dstPort = p;
        return this;
    }

    /** A hash of family, protocol, addresses and ports (not offsets); no allocation. */
    public int flowHash() {
        long h = family * 31L + protocol;
        h = h * 0x9E3779B97F4A7C15L + srcHi;
        h = h * 0x9E3779B97F4A7C15L + srcLo;
        h = h * 0x9E3779B97F4A7C15L + dstHi;
        h = h * 0x9E3779B97F4A7C15L + dstLo;
        h = h * 0x9E3779B97F4A7C15L + ((long) srcPort << 16 | dstPort);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ h >>> 32);
    }

    /** True when family, protocol, addresses and ports equal {@code other}'s (offsets are ignored). */
    public boolean sameFlow(FlowKey other) {
        return family == other.family && protocol == other.protocol
            && srcHi == other.srcHi && srcLo == other.srcLo && dstHi == other.dstHi && dstLo == other.dstLo
            && srcPort == other.srcPort && dstPort == other.dstPort;
    }

    /** For debugging and test messages only: allocates. */
    @Override
    public String toString() {
        return "FlowKey{family=" + family + ", proto=" + protocol
            + ", src=" + address(srcHi, srcLo) + ":" + srcPort
            + ", dst=" + address(dstHi, dstLo) + ":" + dstPort
            + (icmpType >= 0 ? ", icmp=" + icmpType + "/" + icmpCode : "")
            + ", ttl=" + ttl + ", l3=" + l3Offset + ", l4=" + l4Offset + ", end=" + packetEnd + "}";
    }

    private String address(long hi, long lo) {
        if (family == FAMILY_INET) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        return String.format("%016x%016x", hi, lo);
    }
}
