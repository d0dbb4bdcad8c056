package lvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    @Test
    void rfc1071Example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (folded)
        UnsafeBuffer b = new UnsafeBuffer(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5,
            (byte) 0xf6, (byte) 0xf7});
        assertThat(Checksum.fold(Checksum.sum(b, 0, 8, 0))).isEqualTo(0xddf2);
        assertThat(Checksum.compute(b, 0, 8)).isEqualTo(~0xddf2 & 0xffff);
    }

    @Test
    void sumOfAnyLengthMatchesTheNaive16BitSum() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] bytes = new byte[1600];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        UnsafeBuffer b = new UnsafeBuffer(bytes);
        for (int offset = 0; offset < 9; offset++) {
            for (int length = 0; length < 80; length++) {
                assertThat(Checksum.fold(Checksum.sum(b, offset, length, 0))).as("offset %d length %d", offset, length)
                    .isEqualTo(naiveFold(bytes, offset, length));
            }
        }
        assertThat(Checksum.fold(Checksum.sum(b, 3, 1597, 0))).isEqualTo(naiveFold(bytes, 3, 1597));
    }

    @Test
    void ipv4HeaderChecksumOfAKnownHeader() {
        // a classic example header: 4500 0073 0000 4000 4011 xxxx c0a8 0001 c0a8 00c7 -> b861
        int[] words = {0x4500, 0x0073, 0x0000, 0x4000, 0x4011, 0x0000, 0xc0a8, 0x0001, 0xc0a8, 0x00c7};
        UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < words.length; i++) {
            b.putShort(i * 2, (short) words[i], java.nio.ByteOrder.BIG_ENDIAN);
        }
        Ipv4Header ip = new Ipv4Header().wrap(b, 0, 20);
        assertThat(ip.updateChecksum().checksum()).isEqualTo(0xb861);
        assertThat(ip.checksumValid()).isTrue();
    }

    @Test
    void incrementalUpdatesEqualFullRecomputation() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 2000; round++) {
            UnsafeBuffer frame = Frames.ipv4Tcp(random.nextInt(), random.nextInt(65536), random.nextInt(),
                random.nextInt(65536), TcpHeader.ACK, random.nextInt(200));
            Ipv4Header ip = new Ipv4Header().wrap(frame, 14, frame.capacity() - 14);
            TcpHeader tcp = new TcpHeader().wrap(frame, 34, frame.capacity() - 34);
            int segment = frame.capacity() - 34;
            int oldDst = ip.destination();
            int newDst = random.nextInt();
            int oldPort = tcp.destinationPort();
            int newPort = random.nextInt(65536);

            ip.destination(newDst).checksum(Checksum.update32(ip.checksum(), oldDst, newDst));
            int check = Checksum.update32(tcp.checksum(), oldDst, newDst);
            tcp.destinationPort(newPort).checksum(Checksum.update16(check, oldPort, newPort));

            assertThat(ip.checksumValid()).isTrue();
            assertThat(Checksum.verifies(frame, 34, segment, ip.pseudoHeaderSum(segment))).isTrue();
        }
    }

    @Test
    void incremental128BitUpdateForIpv6() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 1000; round++) {
            UnsafeBuffer frame = Frames.ipv6Tcp(random.nextLong(), random.nextLong(), random.nextLong(),
                random.nextLong(), new int[0], random.nextInt(100));
            Ipv6Header ip = new Ipv6Header().wrap(frame, 14, frame.capacity() - 14);
            TcpHeader tcp = new TcpHeader().wrap(frame, 54, frame.capacity() - 54);
            long newHi = random.nextLong();
            long newLo = random.nextLong();
            tcp.checksum(Checksum.update128(tcp.checksum(), ip.destinationHi(), ip.destinationLo(), newHi, newLo));
            ip.destination(newHi, newLo);
            int segment = frame.capacity() - 54;
            assertThat(Checksum.verifies(frame, 54, segment, ip.pseudoHeaderSum(6, segment))).isTrue();
        }
    }

    @Test
    void partialChecksumFollowsAnAddressRewrite() {
        // a CHECKSUM_PARTIAL field holds fold(pseudo-header); after a DNAT it must equal fold(new pseudo-header)
        int src = Frames.CLIENT;
        int vip = Frames.VIP;
        int rip = 0xC612_0202;
        int partial = Checksum.fold(Checksum.pseudoHeaderV4(src, vip, 6, 1480));
        int updated = Checksum.partialUpdate32(partial, vip, rip);
        assertThat(updated).isEqualTo(Checksum.fold(Checksum.pseudoHeaderV4(src, rip, 6, 1480)));
        assertThat(Checksum.partialUpdate16(updated, 1480, 20))
            .isEqualTo(Checksum.fold(Checksum.pseudoHeaderV4(src, rip, 6, 20)));
        long hi = 0x2001_0db8_0000_0000L;
        int p6 = Checksum.fold(Checksum.pseudoHeaderV6(hi, 1, hi, 2, 6, 100));
        assertThat(Checksum.partialUpdate128(p6, hi, 2, hi, 0xdead_beefL))
            .isEqualTo(Checksum.fold(Checksum.pseudoHeaderV6(hi, 1, hi, 0xdead_beefL, 6, 100)));
    }

    @Test
    void udpNeverSendsAComputedZero() {
        assertThat(Checksum.udpNonZero(0)).isEqualTo(0xffff);
        assertThat(Checksum.udpNonZero(0x1234)).isEqualTo(0x1234);
    }

    @Test
    void ttlDecrementKeepsTheHeaderChecksumValid() {
        UnsafeBuffer frame = Frames.ipv4Udp(Frames.CLIENT, 1, Frames.VIP, 2, 10);
        Ipv4Header ip = new Ipv4Header().wrap(frame, 14, 38);
        ip.decrementTtl();
        assertThat(ip.ttl()).isEqualTo(63);
        assertThat(ip.checksumValid()).isTrue();
    }

    private static int naiveFold(byte[] bytes, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = bytes[offset + i] & 0xff;
            int lo = i + 1 < length ? bytes[offset + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
