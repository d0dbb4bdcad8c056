package lvs.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.TunnelType;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.RealServerView;
import lvs.table.ServiceView;
import org.junit.jupiter.api.Test;

/**
 * Layouts with non-zero counters, which the oracle cannot produce (it has no traffic): expected text
 * from the reference's transcripts T6-T8, which were verified against the real binary with injected
 * counters.
 */
class CountersGoldenTest {
    private static final Listings LISTINGS = new Listings(NameResolver.NUMERIC);
    private static final ListFormat NUMERIC = ListFormat.DEFAULT.withNumeric(true);

    private static final Counters T6 = new Counters(1234, 56789, 45000, 7400000, 1234567890);

    @Test
    void t6StatsScaled() {
        ServiceView svc = new ServiceView(spec(tcp207(), "rr", 0, 0), List.of(
            rs("192.168.10.1", 80, 1, 0, 0, 0, T6, Rates.ZERO), rs("192.168.10.2", 80, 3, 0, 0, 0, T6, Rates.ZERO),
            rs("192.168.10.3", 80, 0, 0, 0, 0, T6, Rates.ZERO)), T6, Rates.ZERO);
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC.withStats(true), out))).isEqualTo("""
            Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
              -> RemoteAddress:Port
            TCP  207.175.44.110:80                1234    56789    45000  7400000    1234M
              -> 192.168.10.1:80                  1234    56789    45000  7400000    1234M
              -> 192.168.10.2:80                  1234    56789    45000  7400000    1234M
              -> 192.168.10.3:80                  1234    56789    45000  7400000    1234M
            """);
    }

    @Test
    void t6StatsExactFwmark() {
        ServiceKey fwm = ServiceKey.ofFwmark(AddressFamily.INET, 1);
        ServiceView svc = new ServiceView(spec(fwm, "rr", ServiceFlags.PERSISTENT, 360), List.of(
            rs("192.168.10.5", 0, 1, 0, 0, 0, T6, Rates.ZERO), rs("192.168.10.4", 0, 1, 0, 0, 0, T6, Rates.ZERO)),
            T6, Rates.ZERO);
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC.withStats(true).withExact(true), out))).isEqualTo("""
            Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
              -> RemoteAddress:Port
            FWM  1                                1234    56789    45000  7400000 1234567890
              -> 192.168.10.4:0                   1234    56789    45000  7400000 1234567890
              -> 192.168.10.5:0                   1234    56789    45000  7400000 1234567890
            """);
    }

    @Test
    void t7RateServiceScaledRealServerPpsExact() {
        Rates r = new Rates(99999999, 100000000, 4294967295L, 5, 6);
        ServiceView svc = new ServiceView(spec(ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80), "wlc", 0, 0),
            List.of(rs("192.168.0.1", 80, 1, 0, 0, 0, Counters.ZERO, r)), Counters.ZERO, r);
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC.withRate(true), out))).isEqualTo("""
            Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
              -> RemoteAddress:Port
            TCP  10.0.0.1:80                  99999999  100000K    4294M        5        6
              -> 192.168.0.1:80               99999999 100000000 4294967295        5        6
            """);
    }

    @Test
    void realServerCountersOtherThanBytesKeepTheirLow32Bits() {
        Counters big = new Counters(0x1_0000_0005L, 0x1_0000_0006L, 7, 0x1_0000_0000L, 8);
        ServiceView svc = new ServiceView(spec(ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80), "wlc", 0, 0),
            List.of(rs("192.168.0.1", 80, 1, 0, 0, 0, big, Rates.ZERO)), big, Rates.ZERO);
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC.withStats(true).withExact(true), out))).endsWith("""
            TCP  10.0.0.1:80                  4294967301 4294967302        7 4294967296        8
              -> 192.168.0.1:80                      5        6        7 4294967296        8
            """);
    }

    @Test
    void t8PersistentConnAndThresholds() {
        ServiceView svc = new ServiceView(spec(tcp207(), "rr", 0, 0), List.of(
            rs("192.168.10.3", 80, 0, 12, 340, 7, Counters.ZERO, Rates.ZERO),
            rs("192.168.10.2", 80, 3, 12, 340, 7, Counters.ZERO, Rates.ZERO),
            rs("192.168.10.1", 80, 1, 12, 340, 7, Counters.ZERO, Rates.ZERO)), Counters.ZERO, Rates.ZERO);
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC.withPersistentConn(true), out))).isEqualTo(
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port\n"
                + "TCP  207.175.44.110:80 rr\n"
                + "  -> 192.168.10.1:80              1         7           12         340       \n"
                + "  -> 192.168.10.2:80              3         7           12         340       \n"
                + "  -> 192.168.10.3:80              0         7           12         340       \n");
        assertThat(render(out -> LISTINGS.service(svc, NUMERIC, out))).contains(
            "  -> 192.168.10.1:80              Masq    1      12         340       \n");
    }

    @Test
    void largeNumbers() {
        long[] values = {99999999L, 100000000L, 999999999L, 1000000000L, 99999999999L, 4294967295L,
            100000000000L, 100000000000000L, -1L};
        String[] expected = {" 99999999", "  100000K", "  999999K", "    1000M", "   99999M", "    4294M",
            "     100G", "     100T", "18446744T"};
        for (int i = 0; i < values.length; i++) {
            StringBuilder sb = new StringBuilder();
            LargeNumber.append(sb, values[i], false);
            assertThat(sb.toString()).as(Long.toUnsignedString(values[i])).isEqualTo(expected[i]);
        }
        StringBuilder exact = new StringBuilder();
        LargeNumber.append(exact, 5, true);
        LargeNumber.append(exact, 123456789, true);
        LargeNumber.append(exact, -1L, true);
        assertThat(exact.toString()).isEqualTo("        5 123456789 18446744073709551615");
    }

    @Test
    void connectionExpiryAndPeColumns() {
        var c = new lvs.table.ConnectionView("UDP", ip("127.0.0.1"), 5000, ip("10.0.0.1"), 5060, ip("192.168.0.3"), 5060,
            "UDP", 59, "sip", "1234@example.com");
        assertThat(render(out -> LISTINGS.connections(List.of(c), NUMERIC.withPersistentConn(true), out))).endsWith(
            "UDP 00:59  UDP         127.0.0.1:5000     10.0.0.1:5060      192.168.0.3:5060 sip                1234@example.com\n");
    }

    private static ServiceKey tcp207() {
        return ServiceKey.of(Protocol.TCP, ip("207.175.44.110"), 80);
    }

    private static ServiceSpec spec(ServiceKey key, String sched, int flags, int timeout) {
        return new ServiceSpec(key, sched, "", flags | ServiceFlags.HASHED, timeout, 0xffffffffL);
    }

    private static RealServerView rs(String addr, int port, int weight, int active, int inactive, int persistent,
                                     Counters c, Rates r) {
        RealServerSpec spec = new RealServerSpec(ip(addr), port, ForwardingMethod.MASQUERADE, weight, 0, 0,
            TunnelType.IPIP, 0, 0);
        return new RealServerView(spec, active, inactive, persistent, c, r);
    }

    private static InetAddress ip(String s) {
        return AddressLiteral.parse(s);
    }

    private static String render(Consumer<PrintStream> r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            r.accept(out);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
