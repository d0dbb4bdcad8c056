package lvs.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address as raw network-order bytes. Value semantics (equals on the bytes), unlike
 * {@link java.net.InetAddress}, which may resolve names and carries scope ids we never want.
 *
 * <p>An IPv4 address is held as one {@code int}, not a byte array: a table of 10,000 services with
 * 100,000 real servers holds ~180,000 of them, and the array would be another 24 bytes each. The hash
 * is mixed (not {@code Arrays.hashCode}'s base 31, under which {@code a.b.x.y} and {@code a.b.(x+1).(y-31)}
 * collide, so the maps of a big table degrade into trees).
 */
public final class InetAddress implements Comparable<InetAddress> {
    private final AddressFamily family;
    /** The IPv4 address in host order; 0 for IPv6. */
    private final int ipv4;
    /** The 16 bytes of an IPv6 address; null for IPv4. */
    private final byte[] bytes;

    private InetAddress(AddressFamily family, byte[] bytes) {
        this.family = family;
        if (family == AddressFamily.INET) {
            this.ipv4 = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
            this.bytes = null;
        } else {
            this.ipv4 = 0;
            this.bytes = bytes;
        }
    }

    private InetAddress(int ipv4) {
        this.family = AddressFamily.INET;
        this.ipv4 = ipv4;
        this.bytes = null;
    }

    /** An address from 4 or 16 network-order bytes (copied). */
    public static InetAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return new InetAddress(AddressFamily.INET, bytes); // read, not kept
        }
        if (bytes.length == 16) {
            return new InetAddress(AddressFamily.INET6, bytes.clone());
        }
        throw new IllegalArgumentException("address must have 4 or 16 bytes, not " + bytes.length);
    }

    /** An IPv4 address from its 32-bit host-order value. */
    public static InetAddress ofIpv4(int hostOrder) {
        return new InetAddress(hostOrder);
    }

    /** The all-zero address of {@code family}. */
    public static InetAddress any(AddressFamily family) {
        return new InetAddress(family, new byte[family.addressLength()]);
    }

    public AddressFamily family() {
        return family;
    }

    public boolean isIpv6() {
        return family == AddressFamily.INET6;
    }

    /** A copy of the network-order bytes. */
    public byte[] bytes() {
        if (bytes == null) {
            return new byte[] {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        }
        return bytes.clone();
    }

    /** Byte {@code i} of the address, 0..255. */
    public int byteAt(int i) {
        if (bytes == null) {
            if (i < 0 || i > 3) {
                throw new ArrayIndexOutOfBoundsException(i);
            }
            return ipv4 >>> (24 - 8 * i) & 0xff;
        }
        return bytes[i] & 0xff;
    }

    /** The IPv4 address as a 32-bit host-order int; only for IPv4. */
    public int ipv4() {
        if (family != AddressFamily.INET) {
            throw new IllegalStateException("not an IPv4 address");
        }
        return ipv4;
    }

    /** 32-bit word {@code i} (0..3) of an IPv6 address, or the IPv4 address for i = 0, host order. */
    public int word(int i) {
        int o = i * 4;
        return (byteAt(o) << 24) | (byteAt(o + 1) << 16) | (byteAt(o + 2) << 8) | byteAt(o + 3);
    }

    /**
     * Canonical text: dotted quad for IPv4; for IPv6 what glibc's {@code inet_ntop} prints (RFC 5952
     * compression of the longest run of two or more zero groups, lower-case hex, and the
     * {@code ::ffff:a.b.c.d} / {@code ::a.b.c.d} forms it uses for mapped and compatible addresses).
     */
    @Override
    public String toString() {
        if (family == AddressFamily.INET) {
            return byteAt(0) + "." + byteAt(1) + "." + byteAt(2) + "." + byteAt(3);
        }
        return Ipv6Text.format(bytes);
    }

    /** Orders by family (IPv4 first), then by the bytes as unsigned numbers, as ipvsadm's sort does. */
    @Override
    public int compareTo(InetAddress o) {
        if (family != o.family) {
            return family == AddressFamily.INET ? -1 : 1;
        }
        return bytes == null ? Integer.compareUnsigned(ipv4, o.ipv4) : Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InetAddress a && a.family == family && a.ipv4 == ipv4 && Arrays.equals(a.bytes, bytes);
    }

    /** murmur3's 32-bit finaliser over the address: every bit of it reaches every bit of the hash. */
    @Override
    public int hashCode() {
        int h = bytes == null ? ipv4 : Arrays.hashCode(bytes);
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }

    /** Hex dump, for diagnostics only. */
    public String toHex() {
        return HexFormat.of().formatHex(bytes());
    }
}
