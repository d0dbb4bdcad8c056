package lvs.io;

import java.nio.ByteOrder;

import lvs.packet.Checksum;
import org.agrona.MutableDirectBuffer;

/**
 * What a NIC would do for a frame carrying {@link Offload} metadata, done in Java: finish a partial
 * checksum, or cut a TCP/UDP GSO super-frame into wire-sized frames. For paths that cannot hand the
 * metadata to the kernel: backends without {@code PACKET_VNET_HDR} (pcap), and forwarders whose output
 * the kernel cannot segment (an IPIP-encapsulated GSO frame has no {@code virtio_net_hdr} GSO type).
 * Allocation-free; the caller provides the scratch buffer.
 */
public final class SoftwareOffload {
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    /** Receives each segment of {@link #segment}; return false to stop (e.g. transmit batch full). */
    @FunctionalInterface
    public interface SegmentSink {
        boolean accept(MutableDirectBuffer buffer, int offset, int length);
    }

    private SoftwareOffload() {
    }

    /**
     * Completes the partial checksum of a NEEDS_CSUM frame in place (like the kernel's
     * {@code skb_checksum_help}): sums from csum_start to the end of the frame, the field's
     * pseudo-header sum included, and stores the complement. A no-op for other frames.
     */
    public static void completeChecksum(MutableDirectBuffer frame, int offset, int length, long offload) {
        if (!Offload.needsChecksum(offload)) {
            return;
        }
        int start = offset + Offload.csumStart(offload);
        int field = start + Offload.csumOffset(offload);
        int check = Checksum.finish(Checksum.sum(frame, start, offset + length - start, 0));
        frame.putShort(field, (short) (check == 0 ? 0xFFFF : check), NET);
    }

    /**
     * Cuts a TCP (GSO_TCPV4/V6) or UDP (GSO_UDP_L4) super-frame into frames of at most gso_size payload
     * bytes each, with lengths, IPv4 ids, TCP sequence numbers and flags, and all checksums as the
     * kernel's segmentation makes them, and hands each to {@code sink} from {@code scratch} (which must
     * hold one segment: headers + gso_size). A frame that is not GSO is passed through with its checksum
     * completed. Returns the number of segments accepted, or -1 for an unsupported GSO type
     * (UFO/GSO_UDP, or headers that do not fit).
     *
     * @param l3 offset of the IP header (from the parsed {@link lvs.packet.FlowKey})
     * @param l4 offset of the TCP/UDP header
     * @param ipv6 the IP header is IPv6 (no extension headers between l3 and l4 are rewritten)
     */
    public static int segment(MutableDirectBuffer frame, int offset, int length, long offload, int l3, int l4,
                              boolean ipv6, MutableDirectBuffer scratch, SegmentSink sink) {
        if (!Offload.isGso(offload)) {
            completeChecksum(frame, offset, length, offload);
            return sink.accept(frame, offset, length) ? 1 : 0;
        }
        int type = Offload.gsoType(offload) & ~Offload.GSO_ECN;
        boolean tcp = type == Offload.GSO_TCPV4 || type == Offload.GSO_TCPV6;
        if (!tcp && type != Offload.GSO_UDP_L4) {
            return -1;
        }
        int l4Header = tcp ? (frame.getByte(l4 + 12) & 0xF0) >>> 2 : 8;
        int headers = l4 + l4Header - offset;
        int mss = Offload.gsoSize(offload);
        int payload = length - headers;
        if (mss <= 0 || headers + Math.min(mss, payload) > scratch.capacity()) {
            return -1;
        }
        int l3Rel = l3 - offset;
        int l4Rel = l4 - offset;
        int ipId = ipv6 ? 0 : frame.getShort(l3 + 4, NET) & 0xFFFF;
        int seq = tcp ? frame.getInt(l4 + 4, NET) : 0;
        int flags = tcp ? frame.getByte(l4 + 13) & 0xFF : 0;
        int segments = 0;
        for (int done = 0, i = 0; done < payload; done += mss, i++) {
            int chunk = Math.min(mss, payload - done);
            boolean last = done + chunk >= payload;
            scratch.putBytes(0, frame, offset, headers);
            scratch.putBytes(headers, frame, offset + headers + done, chunk);
            if (ipv6) {
                scratch.putShort(l3Rel + 4, (short) (headers - l3Rel - 40 + chunk), NET);
            } else {
                scratch.putShort(l3Rel + 2, (short) (headers - l3Rel + chunk), NET);
                scratch.putShort(l3Rel + 4, (short) (ipId + i), NET);
                scratch.putShort(l3Rel + 10, (short) 0);
                int ihl = (scratch.getByte(l3Rel) & 0x0F) << 2;
                scratch.putShort(l3Rel + 10, (short) Checksum.compute(scratch, l3Rel, ihl), NET);
            }
            int segmentLength = l4Header + chunk;
            int checkField;
            if (tcp) {
                scratch.putInt(l4Rel + 4, seq + done, NET);
                int f = flags;
                if (!last) {
                    f &= ~(TCP_FIN | TCP_PSH);
                }
                if (i > 0) {
                    f &= ~TCP_CWR;
                }
                scratch.putByte(l4Rel + 13, (byte) f);
                checkField = l4Rel + 16;
            } else {
                scratch.putShort(l4Rel + 4, (short) segmentLength, NET);
                checkField = l4Rel + 6;
            }
            long pseudo = ipv6
                ? Checksum.pseudoHeaderV6(scratch, l3Rel + 8, l3Rel + 24, tcp ? 6 : 17, segmentLength)
                : Checksum.pseudoHeaderV4(scratch.getInt(l3Rel + 12, NET), scratch.getInt(l3Rel + 16, NET),
                    tcp ? 6 : 17, segmentLength);
            scratch.putShort(checkField, (short) 0);
            int check = Checksum.transport(scratch, l4Rel, segmentLength, pseudo);
            scratch.putShort(checkField, (short) (tcp ? check : Checksum.udpNonZero(check)), NET);
            if (!sink.accept(scratch, 0, headers + chunk)) {
                break;
            }
            segments++;
        }
        return segments;
    }
}
