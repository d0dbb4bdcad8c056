package lvs.io.kernel;

import java.util.Objects;

import lvs.model.InetAddress;

/**
 * One kind of traffic the kernel must not handle: packets <em>to</em> a virtual service
 * ({@link Direction#TO}: destination VIP, protocol, port) or, for masquerading, replies <em>from</em> a
 * real server ({@link Direction#FROM}: source RIP, protocol, port). Port 0 means every port of the
 * protocol, as in IPVS port-zero (persistent any-port) services.
 *
 * <p>Firewall-mark services cannot be expressed: marks are set in PREROUTING, after netdev ingress.
 * Give the guard the addresses such a service covers instead.
 */
public record GuardTarget(Direction direction, int protocol, InetAddress address, int port) {
    public enum Direction { TO, FROM }

    public GuardTarget {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(address, "address");
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol must be 0..255: " + protocol);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
    }

    /**
     * Spreads every bit of direction, protocol, port and address (a guard set holds one target per real
     * server and port: 100,000 of them in a big table, so the record's default combination with base 31
     * would collide more than it needs to).
     */
    @Override
    public int hashCode() {
        long h = (long) direction.ordinal() << 56 | (long) protocol << 48 | (long) port << 32;
        int words = address.isIpv6() ? 4 : 1;
        for (int i = 0; i < words; i++) {
            h = (h ^ (address.isIpv6() ? address.word(i) : address.ipv4()) & 0xFFFFFFFFL) * 0x9E3779B97F4A7C15L;
        }
        return (int) (h ^ h >>> 29);
    }

    /** Traffic to virtual service {@code vip:port} (port 0: any port). */
    public static GuardTarget toService(int protocol, InetAddress vip, int port) {
        return new GuardTarget(Direction.TO, protocol, vip, port);
    }

    /** NAT replies from real server {@code rip:port} (port 0: any port). */
    public static GuardTarget fromRealServer(int protocol, InetAddress rip, int port) {
        return new GuardTarget(Direction.FROM, protocol, rip, port);
    }
}
