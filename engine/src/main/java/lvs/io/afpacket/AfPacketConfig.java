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
 * @param rxRingBlocks    0: receive with {@code recvmmsg}; otherwise the number of blocks of a
 *                        TPACKET_V3 mmap receive ring (no copy, no syscall per batch)
 * @param rxRingBlockBytes size of one ring block, a multiple of 4096 that holds a whole GSO frame
 * @param rxRingRetireMs  the kernel hands a partly filled block over after this long: the worst-case
 *                        added latency at low rates, and the buffering at high rates (pitfall 6)
 * @param rxSwitchPps     with a ring, 0: receive through the ring only; otherwise receive with
 *                        {@code recvmmsg} (no added latency) and move to the ring while recvmmsg falls
 *                        behind at this many frames per second or more ({@link ReceiveSwitch}: two
 *                        sockets in a PACKET_FANOUT_CBPF group)
 * @param hostFramesOnly  a socket filter keeps out, in the kernel, frames a director's IP stack would
 *                        not look at: for other hosts' MACs, or neither IPv4, IPv6 nor ARP
 *                        ({@link SocketFilter#HOST_IP_AND_ARP}; lvsd). Off for an L2 bridge
 */
public record AfPacketConfig(int batchSize, int frameCapacity, boolean vnetHeader, boolean qdiscBypass,
                             int receiveBufferBytes, int sendBufferBytes,
                             int rxRingBlocks, int rxRingBlockBytes, int rxRingRetireMs, int rxSwitchPps,
                             boolean hostFramesOnly) {
    /**
     * recvmmsg/sendmmsg, batch 64, VNET_HDR on: a frame is readable as soon as it arrives (lowest
     * latency); about 0.3 Mpps per core forwarded.
     */
    public static final AfPacketConfig DEFAULT =
        new AfPacketConfig(64, 65536 + 256, true, false, 8 << 20, 8 << 20, 0, 256 << 10, 1, 0, false);

    /**
     * As {@link #DEFAULT} but receiving through a TPACKET_V3 ring of 64 × 256 KiB blocks retired after
     * 1 ms: about 0.5 Mpps per core forwarded, at the price of up to 1 ms added latency when traffic is
     * sparse (a block is only handed over when full or retired).
     */
    public static final AfPacketConfig THROUGHPUT = DEFAULT.withRxRing(64, 256 << 10, 1);

    /**
     * {@link #DEFAULT}'s latency while recvmmsg keeps up, a ring while it falls behind at 10,000 frames
     * per second or more (lvsd's default). The ring is 32 × 128 KiB: the kernel allocates it whole, per interface,
     * and 4 MiB hold ~30,000 small frames (60 ms at 0.5 Mpps); bulk GSO traffic is far below the
     * threshold in frames per second and stays on recvmmsg with its 8 MiB socket buffer.
     */
    public static final AfPacketConfig ADAPTIVE = DEFAULT.withRxRing(32, 128 << 10, 1).withRxSwitch(10_000);

    public AfPacketConfig {
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be 1..1024: " + batchSize);
        }
        if (frameCapacity < 64 || frameCapacity > (1 << 20)) {
            throw new IllegalArgumentException("frameCapacity must be 64..1 MiB: " + frameCapacity);
        }
        if (rxRingBlocks < 0 || rxRingBlocks > 4096) {
            throw new IllegalArgumentException("rxRingBlocks must be 0..4096: " + rxRingBlocks);
        }
        if (rxRingBlocks > 0 && ((rxRingBlockBytes & 4095) != 0 || rxRingBlockBytes < frameCapacity + 4096)) {
            throw new IllegalArgumentException("rxRingBlockBytes must be a multiple of 4096 above frameCapacity: "
                + rxRingBlockBytes);
        }
        if (rxRingRetireMs < 1) {
            throw new IllegalArgumentException("rxRingRetireMs must be >= 1: " + rxRingRetireMs);
        }
        if (rxSwitchPps < 0 || (rxSwitchPps > 0 && rxRingBlocks == 0)) {
            throw new IllegalArgumentException("rxSwitchPps must be >= 0, and needs a ring: " + rxSwitchPps);
        }
    }

    public AfPacketConfig withVnetHeader(boolean on) {
        return new AfPacketConfig(batchSize, frameCapacity, on, qdiscBypass, receiveBufferBytes, sendBufferBytes,
            rxRingBlocks, rxRingBlockBytes, rxRingRetireMs, rxSwitchPps, hostFramesOnly);
    }

    public AfPacketConfig withBatchSize(int frames) {
        return new AfPacketConfig(frames, frameCapacity, vnetHeader, qdiscBypass, receiveBufferBytes, sendBufferBytes,
            rxRingBlocks, rxRingBlockBytes, rxRingRetireMs, rxSwitchPps, hostFramesOnly);
    }

    /** Receives through a TPACKET_V3 ring of {@code blocks} × {@code blockBytes}, retiring blocks after {@code retireMs}. */
    public AfPacketConfig withRxRing(int blocks, int blockBytes, int retireMs) {
        return new AfPacketConfig(batchSize, frameCapacity, vnetHeader, qdiscBypass, receiveBufferBytes, sendBufferBytes,
            blocks, blockBytes, retireMs, blocks == 0 ? 0 : rxSwitchPps, hostFramesOnly);
    }

    /** With the ring: recvmmsg, and the ring while recvmmsg falls behind at {@code pps} frames per second or more (0: ring only). */
    public AfPacketConfig withRxSwitch(int pps) {
        return new AfPacketConfig(batchSize, frameCapacity, vnetHeader, qdiscBypass, receiveBufferBytes, sendBufferBytes,
            rxRingBlocks, rxRingBlockBytes, rxRingRetireMs, pps, hostFramesOnly);
    }

    /** Whether frames are sent with PACKET_QDISC_BYPASS. */
    public AfPacketConfig withQdiscBypass(boolean on) {
        return new AfPacketConfig(batchSize, frameCapacity, vnetHeader, on, receiveBufferBytes, sendBufferBytes,
            rxRingBlocks, rxRingBlockBytes, rxRingRetireMs, rxSwitchPps, hostFramesOnly);
    }

    /** Whether the kernel keeps frames a director would not look at away from the sockets ({@link SocketFilter}). */
    public AfPacketConfig withHostFramesOnly(boolean on) {
        return new AfPacketConfig(batchSize, frameCapacity, vnetHeader, qdiscBypass, receiveBufferBytes, sendBufferBytes,
            rxRingBlocks, rxRingBlockBytes, rxRingRetireMs, rxSwitchPps, on);
    }
}
