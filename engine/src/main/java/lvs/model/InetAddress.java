package lvs.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address as raw network-order bytes. Value semantics (equals on the bytes), unlike
 * {@link java.net.InetAddress}, which may resolve names and carries scope ids we never want.
 */
public final class InetAddress implements Comparable<InetAddress> {
    private final AddressFamily family;
    private final byte[] bytes;

    private InetAddress(AddressFamily family, byte[] bytes) {
        this.family = family;
        this.bytes = bytes;
    }

    /** An address from 4 or 16 network-order bytes (copied). */
    public static InetAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return new InetAddress(AddressFamily.INET, bytes.clone());
        }
        if (bytes.length == 16) {
            return new InetAddress(AddressFamily.INET6, bytes.clone());
        }
        throw new IllegalArgumentException("address must have 4 or 16 bytes, not " + bytes.length);
    }

    /** An IPv4 address from its 32-bit host-order value. */
    public static InetAddress ofIpv4(int hostOrder) {
        return new InetAddress(AddressFamily.INET, new byte[] {
            (byte) (hostOrder >>> 24), (byte) (hostOrder >>> 16), (byte) (hostOrder >>> 8), (byte) hostOrder});
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
        return bytes.clone();
    }

    /** Byte {@code i} of the address, 0..255. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    /** The IPv4 address as a 32-bit host-order int; only for IPv4. */
    public int ipv4() {
        if (family != AddressFamily.INET) {
            throw new IllegalStateException("not an IPv4 address");
        }
        return (byteAt(0) << 24) | (byteAt(1) << 16) | (byteAt(2) << 8) | byteAt(3);
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
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InetAddress a && a.family == family && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Hex dump, for diagnostics only. */
    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }
}
