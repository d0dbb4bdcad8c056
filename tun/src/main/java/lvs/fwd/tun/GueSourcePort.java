package lvs.fwd.tun;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GUE's UDP source port, as the kernel's {@code udp_flow_src_port(net, skb, 0, 0, false)} chooses it:
 * a hash of the inner flow mapped into the local ephemeral port range, so that every packet of one
 * connection uses one port (the real server's RSS keeps a flow on one queue) while flows spread.
 * Our hash is {@link lvs.packet.FlowKey#flowHash()} (deterministic; the kernel's is seeded at boot),
 * obfuscated and scaled the kernel's way: {@code h ^= h << 16; port = min + (h * (max - min)) >> 32}.
 */
final class GueSourcePort {
    /** Linux's default {@code net.ipv4.ip_local_port_range}. */
    static final int DEFAULT_MIN = 32768;
    static final int DEFAULT_MAX = 60999;

    private final int min;
    private final int max;

    GueSourcePort(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /** The range of lvsd's namespace, or Linux's default when it cannot be read. */
    static GueSourcePort fromSysctl() {
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int lo = Integer.parseInt(f[0]);
            int hi = Integer.parseInt(f[1]);
            if (lo < hi) {
                return new GueSourcePort(lo, hi);
            }
        } catch (Exception e) {
            // fall through to the default
        }
        return new GueSourcePort(DEFAULT_MIN, DEFAULT_MAX);
    }

    int port(int flowHash) {
        int h = flowHash ^ (flowHash << 16);
        return (int) (((h & 0xFFFF_FFFFL) * (max - min)) >>> 32) + min;
    }
}
