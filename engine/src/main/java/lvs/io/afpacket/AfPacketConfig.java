package lvs.io.afpacket;

/**
 * Tuning of the AF_PACKET backend. The defaults suit a director in a VM or next to containers.
 *
 * @param batchSize       frames per {@code recvmmsg}/{@code sendmmsg} call and per transmit queue
 * @param frameCapacity   largest frame accepted; 64 KiB + headers so GSO/GRO super-frames fit
 * @param vnetHeader      set {@code PACKET_VNET_HDR}: receive CHECKSUM_PARTIAL and GSO metadata with
 *                        each frame and send it back, so the kernel finishes checksums and segments.
 *                        Without it, such frames cannot be forwarded correctly (feasibility pitfall 1)
 * @param qdiscBypass     {@code PACKET_QDISC_BYPASS}: skip the egress qdisc (faster, no traffic control)
 * @param receiveBufferBytes  {@code SO_RCVBUFFORCE}; absorbs bursts while the agent is busy
 * @param sendBufferBytes     {@code SO_SNDBUFFORCE}
 */
public record AfPacketConfig(int batchSize, int frameCapacity, boolean vnetHeader, boolean qdiscBypass,
                             int receiveBufferBytes, int sendBufferBytes) {
    public static final AfPacketConfig DEFAULT =
        new AfPacketConfig(64, 65536 + 256, true, false, 8 << 20, 8 << 20);

    public AfPacketConfig {
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be 1..1024: " + batchSize);
        }
        if (frameCapacity < 64 || frameCapacity > (1 << 20)) {
            throw new IllegalArgumentException("frameCapacity must be 64..1 MiB: " + frameCapacity);
        }
    }

    public AfPacketConfig withVnetHeader(boolean on) {
        return new AfPacketConfig(batchSize, frameCapacity, on, qdiscBypass, receiveBufferBytes, sendBufferBytes);
    }

    public AfPacketConfig withBatchSize(int frames) {
        return new AfPacketConfig(frames, frameCapacity, vnetHeader, qdiscBypass, receiveBufferBytes, sendBufferBytes);
    }
}
