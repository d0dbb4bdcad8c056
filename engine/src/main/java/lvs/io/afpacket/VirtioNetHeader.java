package lvs.io.afpacket;

import java.nio.ByteOrder;

import lvs.io.Offload;
import org.agrona.MutableDirectBuffer;

/**
 * The 10-byte {@code struct virtio_net_hdr} that AF_PACKET puts in front of every frame once
 * {@code PACKET_VNET_HDR} is set, in host (little-endian) order:
 *
 * <pre>
 *  0        1        2        4        6          8           10
 * +--------+--------+--------+--------+----------+-----------+
 * | flags  |gso_type| hdr_len|gso_size|csum_start|csum_offset|
 * +--------+--------+--------+--------+----------+-----------+
 * </pre>
 * csum_start counts from the first byte of the Ethernet frame, as {@link Offload} does.
 */
final class VirtioNetHeader {
    static final int LENGTH = 10;
    private static final ByteOrder HOST = ByteOrder.LITTLE_ENDIAN;

    private VirtioNetHeader() {
    }

    static long read(MutableDirectBuffer buffer, int offset) {
        int flags = buffer.getByte(offset) & 0xFF;
        int gsoType = buffer.getByte(offset + 1) & 0xFF;
        if (flags == 0 && gsoType == 0) {
            return Offload.NONE;
        }
        return Offload.of(flags, gsoType, buffer.getShort(offset + 4, HOST) & 0xFFFF,
            buffer.getShort(offset + 6, HOST) & 0xFFFF, buffer.getShort(offset + 8, HOST) & 0xFFFF);
    }

    /**
     * Writes the header for a frame about to be sent. hdr_len is set to the end of the checksum field
     * (what the kernel would round it up to anyway); it is only a hint for the linear part of the skb.
     */
    static void write(MutableDirectBuffer buffer, int offset, long offload) {
        if (offload == Offload.NONE) {
            buffer.putLong(offset, 0L);
            buffer.putShort(offset + 8, (short) 0);
            return;
        }
        int flags = Offload.flags(offload) & Offload.FLAG_NEEDS_CSUM; // DATA_VALID is receive-only
        int csumStart = Offload.csumStart(offload);
        int csumOffset = Offload.csumOffset(offload);
        int hdrLen = flags != 0 ? csumStart + csumOffset + 2 : 0;
        buffer.putByte(offset, (byte) flags);
        buffer.putByte(offset + 1, (byte) Offload.gsoType(offload));
        buffer.putShort(offset + 2, (short) hdrLen, HOST);
        buffer.putShort(offset + 4, (short) Offload.gsoSize(offload), HOST);
        buffer.putShort(offset + 6, (short) csumStart, HOST);
        buffer.putShort(offset + 8, (short) csumOffset, HOST);
    }
}
