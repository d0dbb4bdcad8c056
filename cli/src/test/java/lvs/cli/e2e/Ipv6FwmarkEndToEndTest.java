package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An IPv6 firewall-mark service end to end (docs/fwmark.md): the IPv6 NAT lab ({@link Ipv6NatEndToEndTest}),
 * the operator's nft rule in the director marks TCP to the IPv6 VIP's ports 80 and 8080, and
 * {@code ipvsadm -A -f 42 -6} balances both ports as one service over two IPv6 NAT real servers. lvsd's
 * ip6tables-legacy rule queues the marked packets to it; an IPv4 {@code -f 42} service alongside is a
 * different service (the kernel keys fwmark services by family and mark). Root only; the lab is
 * removed even on failure.
 */
@Timeout(180)
class Ipv6FwmarkEndToEndTest {
    private static final String VIP = Ipv6NatEndToEndTest.VIP;

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/sbin/ip6tables-legacy",
            "/usr/sbin/nft", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
        assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "no IPv6 in this kernel");
    }

    @Test
    void nftMarkBalancesTwoIpv6PortsAsOneService() throws Exception {
        Path script = Files.createTempFile("lvs-http6fwm", ".py");
        try (NatLab lab = NatLab.up()) {
            Files.writeString(script, Ipv6NatEndToEndTest.HTTP6_SERVER);
            Ipv6NatEndToEndTest.addIpv6(lab, script);
            String[][] webs = {{"web1", Ipv6NatEndToEndTest.WEB1}, {"web2", Ipv6NatEndToEndTest.WEB2}};
            for (String[] w : webs) {
                Path log = Path.of(script + "." + w[0] + ".8080.log");
                Ipv6NatEndToEndTest.sh(lab, w[0], "nohup /usr/bin/python3 " + script + " " + w[1] + " 8080 '" + w[0]
                    + " V6 8080' >" + log + " 2>&1 </dev/null & for i in $(seq 1 50); do curl -g -s -m 1 -o /dev/null"
                    + " http://[" + w[1] + "]:8080/ && exit 0; sleep 0.1; done; cat " + log + "; exit 1");
            }
            Ipv6NatEndToEndTest.sh(lab, "director", "nft 'add table ip6 operator; add chain ip6 operator pre "
                + "{ type filter hook prerouting priority mangle; }; add rule ip6 operator pre ip6 daddr " + VIP
                + " tcp dport { 80, 8080 } meta mark set 0x2a'");
            lab.ipvsadmOk("-A", "-f", "42", "-6", "-s", "rr");
            lab.ipvsadmOk("-a", "-f", "42", "-6", "-r", Ipv6NatEndToEndTest.WEB1, "-m");
            lab.ipvsadmOk("-a", "-f", "42", "-6", "-r", Ipv6NatEndToEndTest.WEB2, "-m");
            lab.ipvsadmOk("-A", "-f", "42", "-s", "rr"); // IPv4, no real server: must not take the IPv6 packets
            String rules = lab.exec("director", 10, "ip6tables-legacy", "-S").out();
            assertThat(rules).contains("-m mark --mark 0x2a -j NFQUEUE");

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int port = i % 4 < 2 ? 80 : 8080;
                String body = Ipv6NatEndToEndTest.curl6(lab, "http://[" + VIP + "]:" + port + "/");
                got.add(port + ":" + body.split(" ")[0]);
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly(
                "80:web2", "80:web1", "8080:web2", "8080:web1", "80:web2", "80:web1", "8080:web2", "8080:web1");
            String stats = lab.ipvsadmOk("-Ln", "--stats");
            String line = stats.lines().filter(l -> l.startsWith("FWM  42 IPv6")).findFirst()
                .orElseThrow(() -> new AssertionError(stats));
            assertThat(line.trim().split("\\s+")[3]).as(stats).isEqualTo("8");
            String conns = lab.ipvsadmOk("-Lcn");
            assertThat(conns).contains("[" + Ipv6NatEndToEndTest.WEB1 + "]:8080")
                .contains("[" + Ipv6NatEndToEndTest.WEB2 + "]:80");

            lab.ipvsadmOk("-D", "-f", "42", "-6");
            assertThat(lab.exec("director", 10, "ip6tables-legacy", "-S").out()).doesNotContain("NFQUEUE");
            assertThat(lab.exec("director", 10, "iptables-legacy", "-S").out()).contains("NFQUEUE");
        } finally {
            Ipv6NatEndToEndTest.deleteScript(script);
            Files.deleteIfExists(Path.of(script + ".web1.8080.log"));
            Files.deleteIfExists(Path.of(script + ".web2.8080.log"));
        }
    }
}
