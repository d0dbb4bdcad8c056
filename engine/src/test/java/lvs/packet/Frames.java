package lvs.packet;

import org.agrona.concurrent.UnsafeBuffer;

/** Builds well-formed frames for the engine's own tests (which cannot use the test fixtures module). */
final class Frames {
    static final long CLIENT_MAC = 0x0200_0000_0102L;
    static final long DIRECTOR_MAC = 0x0200_0000_0101L;
    static final int CLIENT = 0xC612_0102;   // 198.18.1.2
    static final int VIP = 0xC612_0064;      // 198.18.0.100

    private Frames() {
    }

    /** Ethernet + IPv4 (no options) + TCP (20 bytes) + payload, all checksums correct. */
    static UnsafeBuffer ipv4Tcp(int src, int srcPort, int dst, int dstPort, int flags, int payloadLength) {
        int total = 20 + 20 + payloadLength;
        UnsafeBuffer b = new UnsafeBuffer(new byte[14 + total]);
        new EthernetFrame().wrap(b, 0, b.capacity()).destination(DIRECTOR_MAC).source(CLIENT_MAC)
            .etherType(EthernetFrame.TYPE_IPV4);
        Ipv4Header ip = ipv4(b, 14, total, 6, src, dst);
        TcpHeader tcp = new TcpHeader().wrap(b, 34, 20 + payloadLength);
        tcp.sourcePort(srcPort).destinationPort(dstPort).sequence(0x01020304).acknowledgment(0)
            .headerLength(20).flags(flags).window(65535);
        for (int i = 0; i < payloadLength; i++) {
            b.putByte(54 + i, (byte) (i * 7 + 1));
        }
        tcp.updateChecksum(ip.pseudoHeaderSum(20 + payloadLength), 20 + payloadLength);
        return b;
    }

    static UnsafeBuffer ipv4Udp(int src, int srcPort, int dst, int dstPort, int payloadLength) {
        int total = 20 + 8 + payloadLength;
        UnsafeBuffer b = new UnsafeBuffer(new byte[14 + total]);
        new EthernetFrame().wrap(b, 0, b.capacity()).destination(DIRECTOR_MAC).source(CLIENT_MAC)
            .etherType(EthernetFrame.TYPE_IPV4);
        Ipv4Header ip = ipv4(b, 14, total, 17, src, dst);
        UdpHeader udp = new UdpHeader().wrap(b, 34, 8 + payloadLength);
        udp.sourcePort(srcPort).destinationPort(dstPort).datagramLength(8 + payloadLength);
        for (int i = 0; i < payloadLength; i++) {
            b.putByte(42 + i, (byte) (i + 3));
        }
        udp.updateChecksum(ip.pseudoHeaderSum(8 + payloadLength));
        return b;
    }

    static Ipv4Header ipv4(UnsafeBuffer b, int at, int totalLength, int protocol, int src, int dst) {
        Ipv4Header ip = new Ipv4Header().wrap(b, at, totalLength);
        ip.versionAndHeaderLength(20).tos(0).totalLength(totalLength).identification(0x1234)
            .flagsAndFragmentOffset(Ipv4Header.FLAG_DF).ttl(64).protocol(protocol).source(src).destination(dst)
            .updateChecksum();
        return ip;
    }

    /** Ethernet + IPv6 + optional extension headers (each 8 bytes) + TCP (20 bytes) + payload. */
    static UnsafeBuffer ipv6Tcp(long srcHi, long srcLo, long dstHi, long dstLo, int[] extensionTypes, int payloadLength) {
        int ext = extensionTypes.length * 8;
        int plen = ext + 20 + payloadLength;
        UnsafeBuffer b = new UnsafeBuffer(new byte[14 + 40 + plen]);
        new EthernetFrame().wrap(b, 0, b.capacity()).destination(DIRECTOR_MAC).source(CLIENT_MAC)
            .etherType(EthernetFrame.TYPE_IPV6);
        Ipv6Header ip = new Ipv6Header().wrap(b, 14, 40 + plen);
        ip.versionClassLabel(0, 0x12345).payloadLength(plen).hopLimit(64).source(srcHi, srcLo).destination(dstHi, dstLo);
        ip.nextHeader(extensionTypes.length > 0 ? extensionTypes[0] : 6);
        int at = 54;
        for (int i = 0; i < extensionTypes.length; i++) {
            b.putByte(at, (byte) (i + 1 < extensionTypes.length ? extensionTypes[i + 1] : 6));
            b.putByte(at + 1, (byte) 0); // 8 bytes (fragment header: offset 0, M clear = atomic)
            at += 8;
        }
        TcpHeader tcp = new TcpHeader().wrap(b, at, 20 + payloadLength);
        tcp.sourcePort(40000).destinationPort(80).headerLength(20).flags(TcpHeader.SYN).window(1000);
        tcp.updateChecksum(ip.pseudoHeaderSum(6, 20 + payloadLength), 20 + payloadLength);
        return b;
    }
}
