package lvs.io.xdp;

import static lvs.io.xdp.BpfAssembler.R0;
import static lvs.io.xdp.BpfAssembler.R1;
import static lvs.io.xdp.BpfAssembler.R10;
import static lvs.io.xdp.BpfAssembler.R2;
import static lvs.io.xdp.BpfAssembler.R3;
import static lvs.io.xdp.BpfAssembler.R4;
import static lvs.io.xdp.BpfAssembler.R5;
import static lvs.io.xdp.BpfAssembler.R6;
import static lvs.io.xdp.BpfAssembler.R7;
import static lvs.io.xdp.BpfAssembler.R8;

/**
 * lvsd's XDP program, assembled in Java. It decides per frame: {@code XDP_REDIRECT} into the AF_XDP
 * socket of the receive queue (lvsd handles it, the kernel never sees it), or {@code XDP_PASS} (the
 * kernel stack, where lvsd's AF_PACKET tap still sees it, exactly as without XDP).
 *
 * <p>{@linkplain #steered Steered mode} (lvsd) redirects only IPv4 (no options, not a fragment) and
 * IPv6 (no extension header) TCP/UDP frames that match lvsd's kernel guard: destination
 * (address, protocol, port or 0) of a virtual service, or source (address, protocol, port or 0) of a
 * NAT real server. Those are exactly frames the guard's nftables rule drops for the kernel anyway, so
 * steering them changes nothing but the speed. {@linkplain #everything Everything mode} (tests, a
 * dedicated interface) redirects every frame.
 *
 * <p>In both modes a TCP/UDP frame whose checksum field holds just the folded pseudo-header sum is
 * passed, not redirected: that is a CHECKSUM_PARTIAL frame from a local sender on a veth (feasibility
 * pitfall 1), whose checksum XDP cannot see is unfinished; on the AF_PACKET path PACKET_VNET_HDR says
 * so. A complete checksum equals that value once in 65,536 frames; such a frame just takes the slower
 * path, with the same result.
 *
 * <p>Frames longer than {@code maxFrame} pass too: longer than the interface's MTU they can only be GRO
 * or GSO super-frames of a generic-mode attachment (whose checksums and segments only the skb
 * describes), and longer than a UMEM chunk they would not fit in the socket.
 *
 * <p>Steering key, 20 bytes on the stack: {@code kind u8} (bit 0: source match, bit 1: IPv6),
 * {@code protocol u8}, {@code port be16} (0: any), {@code address[16]} (IPv4 in the first 4 bytes).
 */
public final class SteeringProgram {
    /** Helper numbers (include/uapi/linux/bpf.h). */
    static final int HELPER_MAP_LOOKUP_ELEM = 1;
    static final int HELPER_REDIRECT_MAP = 51;
    static final int XDP_PASS = 2;
    /** Key layout. */
    public static final int KEY_SIZE = 20;
    public static final int KIND_SOURCE = 1;
    public static final int KIND_IPV6 = 2;
    /** The key lives at fp-24 .. fp-4 (zeroed as three double words first: the verifier wants it initialised). */
    private static final int KEY = -24;
    private static final int ETH = 14;
    private static final int IP4 = ETH;
    private static final int L4_4 = ETH + 20;
    private static final int IP6 = ETH;
    private static final int L4_6 = ETH + 40;

    private SteeringProgram() {
    }

    /** Redirects the guard's traffic (keys in {@code steerMapFd}) to {@code xskMapFd}; the rest passes. */
    public static long[] steered(int xskMapFd, int steerMapFd, int maxFrame) {
        return assemble(xskMapFd, steerMapFd, maxFrame);
    }

    /** Redirects every frame of at most {@code maxFrame} bytes to {@code xskMapFd} (except CHECKSUM_PARTIAL ones). */
    public static long[] everything(int xskMapFd, int maxFrame) {
        return assemble(xskMapFd, -1, maxFrame);
    }

    private static long[] assemble(int xskMapFd, int steerMapFd, int maxFrame) {
        boolean steered = steerMapFd >= 0;
        String unparsed = steered ? "pass" : "redirect"; // what happens to frames we do not look into
        BpfAssembler a = new BpfAssembler();
        a.mov(R6, R1)                     // R6 = struct xdp_md *
            .loadWord(R7, R6, 0)          // R7 = data
            .loadWord(R8, R6, 4)          // R8 = data_end
            .mov(R2, R7).addImm(R2, maxFrame)
            .jumpIfGreater(R8, R2, "pass") // longer than maxFrame
            .mov(R2, R7).addImm(R2, ETH)
            .jumpIfGreater(R2, R8, unparsed)
            .loadHalf(R3, R7, 12)         // EtherType, read little-endian: 0x0800 reads as 0x0008
            .jumpIfEqualImm(R3, 0x0008, "ipv4")
            .jumpIfEqualImm(R3, 0xDD86, "ipv6")
            .jump(unparsed);

        // ---- IPv4: header without options, not a fragment, TCP or UDP ----
        a.label("ipv4")
            .mov(R2, R7).addImm(R2, L4_4 + 8)
            .jumpIfGreater(R2, R8, unparsed)
            .loadByte(R3, R7, IP4)
            .jumpIfNotEqualImm(R3, 0x45, unparsed)
            .loadHalf(R3, R7, IP4 + 6)    // flags + fragment offset; MF and offset read as mask 0xff3f
            .andImm(R3, 0xFF3F)
            .jumpIfNotEqualImm(R3, 0, unparsed)
            .loadByte(R4, R7, IP4 + 9)    // R4 = protocol
            .jumpIfEqualImm(R4, 6, "ipv4_l4")
            .jumpIfEqualImm(R4, 17, "ipv4_l4")
            .jump(unparsed)
            .label("ipv4_l4");
        if (steered) {
            zeroKey(a);
            a.storeByteImm(R10, KEY, 0);
            lookups(a, steerMapFd, IP4 + 16, 1, L4_4 + 2, IP4 + 12, 1, L4_4, "ipv4_match", "pass", 0);
        }
        a.label("ipv4_match")
            .loadByte(R4, R7, IP4 + 9)            // again: the helper calls clobbered R1-R5
            .mov(R2, R7).addImm(R2, L4_4 + 18)    // TCP checksum ends at l4 + 18
            .jumpIfEqualImm(R4, 17, "ipv4_udp")
            .jumpIfGreater(R2, R8, "redirect")   // shorter than a TCP header: nothing to complete
            .loadHalf(R5, R7, L4_4 + 16)
            .jump("ipv4_sum")
            .label("ipv4_udp")
            .loadHalf(R5, R7, L4_4 + 6)
            .jumpIfEqualImm(R5, 0, "redirect")   // UDP without checksum
            .label("ipv4_sum")
            // pseudo-header sum in memory byte order: addresses, protocol as bytes {0, p}, L4 length
            .loadWord(R3, R7, IP4 + 12)
            .loadWord(R2, R7, IP4 + 16)
            .add(R3, R2)
            .mov(R2, R4).lshImm(R2, 8).add(R3, R2)
            .loadHalf(R2, R7, IP4 + 2)          // total length, network order
            .swap16(R2).addImm(R2, -20).swap16(R2)
            .add(R3, R2);
        foldAndCompare(a);

        // ---- IPv6: no extension header, TCP or UDP ----
        a.label("ipv6")
            .mov(R2, R7).addImm(R2, L4_6 + 8)
            .jumpIfGreater(R2, R8, unparsed)
            .loadByte(R4, R7, IP6 + 6)          // next header
            .jumpIfEqualImm(R4, 6, "ipv6_l4")
            .jumpIfEqualImm(R4, 17, "ipv6_l4")
            .jump(unparsed)
            .label("ipv6_l4");
        if (steered) {
            zeroKey(a);
            a.storeByteImm(R10, KEY, KIND_IPV6);
            lookups(a, steerMapFd, IP6 + 24, 4, L4_6 + 2, IP6 + 8, 4, L4_6, "ipv6_match", "pass", KIND_IPV6);
        }
        a.label("ipv6_match")
            .loadByte(R4, R7, IP6 + 6)
            .mov(R2, R7).addImm(R2, L4_6 + 18)
            .jumpIfEqualImm(R4, 17, "ipv6_udp")
            .jumpIfGreater(R2, R8, "redirect")
            .loadHalf(R5, R7, L4_6 + 16)
            .jump("ipv6_sum")
            .label("ipv6_udp")
            .loadHalf(R5, R7, L4_6 + 6)
            .label("ipv6_sum")
            .movImm(R3, 0);
        for (int word = 0; word < 8; word++) {           // source and destination addresses
            a.loadWord(R2, R7, IP6 + 8 + word * 4).add(R3, R2);
        }
        a.mov(R2, R4).lshImm(R2, 8).add(R3, R2)
            .loadHalf(R2, R7, IP6 + 4)                    // payload length = L4 length, memory order
            .add(R3, R2);
        foldAndCompare(a);

        a.label("redirect")
            .loadWord(R2, R6, 16)                          // rx_queue_index: the socket of this queue
            .loadMapFd(R1, xskMapFd)
            .movImm(R3, XDP_PASS)                          // no socket on this queue: pass
            .call(HELPER_REDIRECT_MAP)
            .exit()
            .label("pass")
            .movImm(R0, XDP_PASS)
            .exit();
        return a.words();
    }

    private static void zeroKey(BpfAssembler a) {
        a.storeDoubleImm(R10, KEY, 0).storeDoubleImm(R10, KEY + 8, 0).storeDoubleImm(R10, KEY + 16, 0);
    }

    /**
     * The four lookups: (destination, port), (destination, any port), (source, port), (source, any
     * port). The key's kind byte is set by the caller for the destination side.
     */
    private static void lookups(BpfAssembler a, int mapFd, int dstAddr, int dstWords, int dstPort,
                                int srcAddr, int srcWords, int srcPort, String match, String miss, int kind) {
        a.storeByte(R10, KEY + 1, R4);                    // protocol (the stack wants aligned stores: one byte)
        copyAddress(a, dstAddr, dstWords);
        a.loadHalf(R3, R7, dstPort).storeHalf(R10, KEY + 2, R3);
        lookup(a, mapFd, match);
        a.storeHalfImm(R10, KEY + 2, 0);
        lookup(a, mapFd, match);
        a.storeByteImm(R10, KEY, kind | KIND_SOURCE);
        copyAddress(a, srcAddr, srcWords);
        a.loadHalf(R3, R7, srcPort).storeHalf(R10, KEY + 2, R3);
        lookup(a, mapFd, match);
        a.storeHalfImm(R10, KEY + 2, 0);
        lookup(a, mapFd, match);
        a.jump(miss);
    }

    private static void copyAddress(BpfAssembler a, int offset, int words) {
        for (int i = 0; i < words; i++) {
            a.loadWord(R3, R7, offset + i * 4).storeWord(R10, KEY + 4 + i * 4, R3);
        }
    }

    private static void lookup(BpfAssembler a, int mapFd, String match) {
        a.loadMapFd(R1, mapFd).mov(R2, R10).addImm(R2, KEY).call(HELPER_MAP_LOOKUP_ELEM)
            .jumpIfNotEqualImm(R0, 0, match);
    }

    /** Folds R3 to 16 bits; passes when it equals the checksum field in R5, else redirects. */
    private static void foldAndCompare(BpfAssembler a) {
        for (int i = 0; i < 3; i++) {
            a.mov(R2, R3).rshImm(R2, 16).andImm(R3, 0xFFFF).add(R3, R2);
        }
        a.jumpIfEqual(R3, R5, "pass").jump("redirect");
    }
}
