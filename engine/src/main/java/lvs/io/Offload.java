package lvs.io;

/**
 * Offload metadata of one frame packed into a {@code long}, so that it travels with the frame through
 * {@link FrameHandler} and {@link PacketIo#send} without an object per packet. It mirrors Linux's
 * {@code struct virtio_net_hdr}, which AF_PACKET exchanges with {@code PACKET_VNET_HDR}:
 *
 * <pre>
 *  bits 63..48  csum_start   offset of the byte where checksumming starts, from the frame start
 *  bits 47..32  csum_offset  where to store the checksum, relative to csum_start (16 TCP, 6 UDP)
 *  bits 31..16  gso_size     payload bytes per segment of a GSO super-frame (the MSS)
 *  bits 15..8   gso_type     {@link #GSO_NONE}, {@link #GSO_TCPV4}, {@link #GSO_UDP}, {@link #GSO_TCPV6},
 *                            {@link #GSO_UDP_L4}, optionally or-ed with {@link #GSO_ECN}
 *  bits  7..0   flags        {@link #FLAG_NEEDS_CSUM}, {@link #FLAG_DATA_VALID}
 * </pre>
 *
 * <p>Why it matters: a sender on a virtual NIC (veth, virtio, tap) hands over TCP/UDP with the checksum
 * field holding only the pseudo-header sum ("CHECKSUM_PARTIAL", flag NEEDS_CSUM) and, with TSO/GSO,
 * frames of up to 64 KB. A forwarder must keep that metadata with the frame (rewriting the partial
 * checksum with {@link lvs.packet.Checksum#partialUpdate32}) and send it along, so the kernel fills the
 * checksum and cuts the segments on the way out. {@link #NONE} (0) is an ordinary, complete frame.
 */
public final class Offload {
    public static final long NONE = 0L;

    public static final int FLAG_NEEDS_CSUM = 1;
    public static final int FLAG_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private Offload() {
    }

    public static long of(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        return ((long) (csumStart & 0xFFFF) << 48) | ((long) (csumOffset & 0xFFFF) << 32)
            | ((long) (gsoSize & 0xFFFF) << 16) | ((gsoType & 0xFF) << 8) | (flags & 0xFF);
    }

    public static int flags(long offload) {
        return (int) offload & 0xFF;
    }

    public static int gsoType(long offload) {
        return (int) (offload >>> 8) & 0xFF;
    }

    public static int gsoSize(long offload) {
        return (int) (offload >>> 16) & 0xFFFF;
    }

    public static int csumOffset(long offload) {
        return (int) (offload >>> 32) & 0xFFFF;
    }

    public static int csumStart(long offload) {
        return (int) (offload >>> 48) & 0xFFFF;
    }

    /** The transport checksum is partial (pseudo-header only) and must be completed before the wire. */
    public static boolean needsChecksum(long offload) {
        return (flags(offload) & FLAG_NEEDS_CSUM) != 0;
    }

    /** The frame is a GSO super-frame that must be segmented into {@link #gsoSize}-byte payloads. */
    public static boolean isGso(long offload) {
        return (gsoType(offload) & ~GSO_ECN) != GSO_NONE;
    }

    /**
     * The same metadata for a frame whose headers grew or shrank by {@code delta} bytes in front of the
     * transport header (TUN encapsulation: +20): csum_start moves with the transport header.
     */
    public static long shiftChecksumStart(long offload, int delta) {
        if (!needsChecksum(offload)) {
            return offload;
        }
        return (offload & 0x0000_FFFF_FFFF_FFFFL) | ((long) ((csumStart(offload) + delta) & 0xFFFF) << 48);
    }

    /** For logs and tests only: allocates. */
    public static String toString(long offload) {
        return "Offload{flags=" + flags(offload) + ", gsoType=" + gsoType(offload) + ", gsoSize=" + gsoSize(offload)
            + ", csumStart=" + csumStart(offload) + ", csumOffset=" + csumOffset(offload) + "}";
    }
}
