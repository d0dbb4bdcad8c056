package lvs.dataplane;

/**
 * A token bucket for the ICMP errors the director generates (TUN's fragmentation needed, time exceeded,
 * ICMPv6 packet too big; built by {@link IcmpErrors}), like the kernel's global
 * {@code net.ipv4.icmp_msgs_per_sec} (1000/s) and {@code icmp_msgs_burst} (50): a flood of too-big
 * packets cannot turn the data plane into an ICMP generator. (The kernel also limits per destination
 * host, {@code icmp_ratelimit}; one bucket is enough here.) Single thread; no allocation.
 */
public final class IcmpRateLimit {
    private final long perSecond;
    private final long burst;
    private long tokens;
    private long lastNs;
    private boolean started;

    public IcmpRateLimit(long perSecond, long burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    public boolean allow(long nowNs) {
        if (!started) {
            started = true;
            lastNs = nowNs;
        }
        long elapsed = nowNs - lastNs;
        long earned = elapsed * perSecond / 1_000_000_000L;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            lastNs += earned * 1_000_000_000L / perSecond;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
