package lvs.io.xdp;

/**
 * Tuning of the AF_XDP backend.
 *
 * @param ringSize   entries of each of the four rings (fill, completion, RX, TX), a power of two;
 *                   the UMEM holds {@code ringSize} receive and {@code ringSize} transmit frames
 * @param frameSize  UMEM chunk size, 2048 or 4096: the largest frame AF_XDP carries (minus the
 *                   kernel's 256-byte XDP headroom on receive); larger frames use the AF_PACKET path
 * @param txBatch    frames {@code send} queues before the caller must {@code flush}
 * @param attachMode how the XDP program is attached
 * @param steering   which frames the program redirects to AF_XDP
 * @param spinNs     when a frame came within the last millisecond, {@code awaitFrames} first watches
 *                   the receive rings this long before sleeping in poll(2). 0 (the default) never
 *                   spins: measured at 100 kpps, 20 µs of spin doubled lvsd's CPU time per packet
 *                   (the director shares its CPUs) while raising native mode's loss-free rate
 *                   (docs/benchmarks.md)
 */
public record XdpConfig(int ringSize, int frameSize, int txBatch, AttachMode attachMode, Steering steering,
                        long spinNs) {
    /** Native (driver) mode where the driver has it (veth does), else generic (skb) mode. */
    public enum AttachMode { AUTO, DRIVER, GENERIC }

    public enum Steering {
        /** Only frames lvsd's kernel guard takes from the kernel ({@link XdpPacketIo#steer}); for lvsd. */
        GUARDED,
        /** Every frame (tests; an interface dedicated to lvsd). */
        EVERYTHING
    }

    /** 2048-entry rings, 4 KiB frames (16 MiB of UMEM per interface), batches of 64, guarded steering, no spin. */
    public static final XdpConfig DEFAULT =
        new XdpConfig(2048, 4096, 64, AttachMode.AUTO, Steering.GUARDED, 0);

    public XdpConfig {
        if (ringSize < 64 || ringSize > 16384 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ringSize must be a power of two in 64..16384: " + ringSize);
        }
        if (frameSize != 2048 && frameSize != 4096) {
            throw new IllegalArgumentException("frameSize must be 2048 or 4096: " + frameSize);
        }
        if (txBatch < 1 || txBatch > ringSize) {
            throw new IllegalArgumentException("txBatch must be 1..ringSize: " + txBatch);
        }
        java.util.Objects.requireNonNull(attachMode, "attachMode");
        java.util.Objects.requireNonNull(steering, "steering");
        if (spinNs < 0 || spinNs > 1_000_000) {
            throw new IllegalArgumentException("spinNs must be 0..1 ms: " + spinNs);
        }
    }

    public XdpConfig withSteering(Steering s) {
        return new XdpConfig(ringSize, frameSize, txBatch, attachMode, s, spinNs);
    }

    public XdpConfig withAttachMode(AttachMode m) {
        return new XdpConfig(ringSize, frameSize, txBatch, m, steering, spinNs);
    }

    public XdpConfig withSpinNs(long ns) {
        return new XdpConfig(ringSize, frameSize, txBatch, attachMode, steering, ns);
    }
}
