package lvs.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPv6 half of lvsd's view of the network: routes, interface addresses, kernel neighbours, the key map. */
class Ipv6NetTest {
    private static final List<Nic> NICS = List.of(
        new Nic("a0", 2, 0x02_0000_0000_0aL, 1500, new int[0]), new Nic("b0", 3, 0x02_0000_0000_0bL, 1500, new int[0]));

    /** /proc/net/ipv6_route of a namespace with 2001:2::/64 on a0, 2001:2:0:9::/64 via 2001:2::1, a default via b0. */
    private static final List<String> PROC_ROUTE = List.of(
        "20010002000000000000000000000000 40 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000100 00000002 00000000 00000001       a0",
        "20010002000000090000000000000000 40 00000000000000000000000000000000 00 "
            + "20010002000000000000000000000001 00000400 00000001 00000000 00000003       a0",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
            + "20010002000000010000000000000001 00000400 00000001 00000000 00000003       b0",
        "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000100 00000001 00000000 00000001       a0",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
        "20010002000000000000000000000011 80 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000000 00000002 00000000 80200001       a0",
        "ff000000000000000000000000000000 08 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000100 00000002 00000000 00000001       a0");

    @Test
    void routesAreLongestPrefixFirstWithoutLocalOrMulticast() {
        Ipv6Routes r = Ipv6Routes.of(Ipv6Routes.parse(PROC_ROUTE), NICS);
        assertThat(r.size()).isEqualTo(4); // two /64 on a0, fe80::/64 on a0, default on b0

        int onLink = r.lookup(0x2001_0002_0000_0000L, 0x12L);
        assertThat(r.interfaceIndex(onLink)).isEqualTo(2);
        assertThat(r.viaGateway(onLink)).isFalse();

        int viaGateway = r.lookup(0x2001_0002_0000_0009L, 0x5L);
        assertThat(r.viaGateway(viaGateway)).isTrue();
        assertThat(r.gatewayHi(viaGateway)).isEqualTo(0x2001_0002_0000_0000L);
        assertThat(r.gatewayLo(viaGateway)).isEqualTo(1L);

        int fallback = r.lookup(0x2001_0002_0000_0042L, 0x1L);
        assertThat(r.interfaceIndex(fallback)).isEqualTo(3);
        assertThat(r.gatewayHi(fallback)).isEqualTo(0x2001_0002_0000_0001L);
        assertThat(Ipv6Routes.of(List.of(), NICS).lookup(1, 1)).isEqualTo(-1);
    }

    @Test
    void prefixesThatAreNotWholeWordsMatchBitByBit() {
        Ipv6Routes r = Ipv6Routes.of(List.of(
            new Ipv6Routes.Route(0x2001_0002_0000_0000L, 0, 48, 0, 0, 1, "a0"),
            new Ipv6Routes.Route(0x2001_0002_0000_0000L, 0x1230_0000_0000_0000L, 76, 0, 0, 1, "b0")), NICS);
        assertThat(r.interfaceIndex(r.lookup(0x2001_0002_0000_0000L, 0x123f_ffff_ffff_ffffL))).isEqualTo(3);
        assertThat(r.interfaceIndex(r.lookup(0x2001_0002_0000_0000L, 0x1240_0000_0000_0000L))).isEqualTo(2);
        assertThat(r.interfaceIndex(r.lookup(0x2001_0002_0000_ffffL, 0))).isEqualTo(2);
        assertThat(r.lookup(0x2001_0003_0000_0000L, 0)).isEqualTo(-1);
    }

    @Test
    void preferredSourceIsTheOutgoingInterfacesAddressWithTheLongestPrefixInCommon() {
        // a0: 2001:2::11, the VIP 2001:2::fe, its link-local address; b0: 2001:2:0:5::5
        List<Nic> nics = List.of(new Nic("a0", 2, 0x0aL, 1500, new int[0], new long[] {
            0x2001_0002_0000_0000L, 0x11L, 0x2001_0002_0000_0000L, 0xfeL, 0xfe80_0000_0000_0000L, 0xaL}),
            new Nic("b0", 3, 0x0bL, 1500, new int[0], new long[] {0x2001_0002_0000_0005L, 0x5L}));
        Ipv6Routes r = Ipv6Routes.of(Ipv6Routes.parse(PROC_ROUTE), nics);
        long[] out = new long[2];
        assertThat(r.preferredSource(0x2001_0002_0000_0000L, 0x12L, nics, out)).isTrue();
        assertThat(out).containsExactly(0x2001_0002_0000_0000L, 0x11L);
        assertThat(r.preferredSource(0x2001_0002_0000_0000L, 0xf0L, nics, out)).isTrue();
        assertThat(out).containsExactly(0x2001_0002_0000_0000L, 0xfeL);
        // via the gateway 2001:2::1 on a0: a tie, the first address
        assertThat(r.preferredSource(0x2001_0002_0000_0009L, 0x12L, nics, out)).isTrue();
        assertThat(out).containsExactly(0x2001_0002_0000_0000L, 0x11L);
        // the default route, via b0
        assertThat(r.preferredSource(0x2001_0db8_0000_0000L, 1, nics, out)).isTrue();
        assertThat(out).containsExactly(0x2001_0002_0000_0005L, 0x5L);
        // a link-local destination gets the link-local address
        assertThat(r.preferredSource(0xfe80_0000_0000_0000L, 0x12L, nics, out)).isTrue();
        assertThat(out).containsExactly(0xfe80_0000_0000_0000L, 0xaL);
        assertThat(Ipv6Routes.of(List.of(), nics).preferredSource(0x2001_0002_0000_0000L, 0x12L, nics, out)).isFalse();
    }

    @Test
    void interfaceAddressesGlobalFirstAndNoTentativeOnes() {
        long[] a = Ipv6Addresses.parse(List.of(
            "fe80000000000000000000fffe00000a 02 40 20 80       a0",
            "20010002000000000000000000000011 02 40 00 80       a0",
            "20010002000000000000000000000099 02 40 00 40       a0",
            "20010002000000010000000000000011 03 40 00 80       b0"), "a0");
        assertThat(a).containsExactly(0x2001_0002_0000_0000L, 0x11L, 0xfe80_0000_0000_0000L, 0x0000_00ff_fe00_000aL);
        Nic nic = new Nic("a0", 2, 1L, 1500, new int[0], a);
        assertThat(nic.primaryIpv6Lo()).isEqualTo(0x11L);
        assertThat(nic.hasIpv6(0x2001_0002_0000_0000L, 0x11L)).isTrue();
        assertThat(nic.hasIpv6(0x2001_0002_0000_0000L, 0x99L)).isFalse();
    }

    @Test
    void kernelNeighboursWithALinkLayerAddressOnly() {
        List<Ipv6Neighbours.Entry> e = Ipv6Neighbours.parse(List.of(
            "2001:2:0:1::12 dev eth0 lladdr 02:00:00:00:01:0c REACHABLE",
            "2001:2:0:1::99 dev eth0  FAILED",
            "fe80::1 dev eth0 lladdr 02:00:00:00:01:01 router STALE"));
        assertThat(e).containsExactly(
            new Ipv6Neighbours.Entry(0x2001_0002_0000_0001L, 0x12L, 0x02_0000_0001_0cL, "eth0"),
            new Ipv6Neighbours.Entry(0xfe80_0000_0000_0000L, 1L, 0x02_0000_0001_01L, "eth0"));
    }

    @Test
    void neighboursArePerInterfaceAndSolicitedAtMostOncePerSecond() {
        Ipv6Neighbours n = new Ipv6Neighbours();
        n.learn(2, 7L, 9L, 0xabcL);
        assertThat(n.mac(2, 7L, 9L)).isEqualTo(0xabcL);
        assertThat(n.mac(3, 7L, 9L)).isEqualTo(NeighbourTable.UNKNOWN);
        n.learn(2, 0, 0, 0x1L); // the unspecified address is nobody
        assertThat(n.size()).isEqualTo(1);
        assertThat(n.shouldRequest(3, 7L, 9L, 0)).isTrue();
        assertThat(n.shouldRequest(3, 7L, 9L, NeighbourTable.RETRY_NS - 1)).isFalse();
        assertThat(n.shouldRequest(3, 7L, 9L, NeighbourTable.RETRY_NS)).isTrue();
    }

    @Test
    void keyMapKeepsEveryKeyApartThroughGrowth() {
        Ipv6KeyMap m = new Ipv6KeyMap(4, -1);
        for (int i = 0; i < 5000; i++) {
            m.put(0x2001_0002_0000_0000L + (i & 7), i, i % 3, i);
        }
        assertThat(m.size()).isEqualTo(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(m.get(0x2001_0002_0000_0000L + (i & 7), i, i % 3)).isEqualTo(i);
            assertThat(m.containsKey(0x2001_0002_0000_0000L + (i & 7), i, (i + 1) % 3)).isFalse();
        }
        m.put(0x2001_0002_0000_0000L, 0, 0, 42);
        assertThat(m.get(0x2001_0002_0000_0000L, 0, 0)).isEqualTo(42);
        assertThat(m.size()).isEqualTo(5000);
    }
}
