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
 * An IPv6 LVS-DR service end to end: the DR lab's namespaces ({@link DrLab}) get IPv6 addresses from
 * the benchmarking prefix 2001:2::/48 (client side 2001:2::/64, real servers' side 2001:2:0:1::/64, no
 * DAD), the VIP 2001:2::fe on the director's outside NIC and on each real server's lo (IPv6 needs no
 * arp_ignore: Linux answers a solicitation only for an address of the asking interface), and an IPv6
 * HTTP server on the VIP in each real server. lvsd resolves the real servers by neighbour discovery
 * and forwards the client's packets unchanged but for the hop limit and the MACs; replies go straight
 * to the client. Root only; the lab removes its namespaces even on failure.
 */
@Timeout(180)
class Ipv6DrEndToEndTest {
    private static final String CLIENT = "2001:2::10";
    private static final String DIRECTOR_OUTSIDE = "2001:2::11";
    private static final String DIRECTOR_INSIDE = "2001:2:0:1::11";
    private static final String VIP = "2001:2::fe";
    private static final String SERVICE = "[" + VIP + "]:80";
    private static final String[][] WEBS = {
        {"web1", "2001:2:0:1::12", "2001:2::12"}, {"web2", "2001:2:0:1::13", "2001:2::13"}};

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
        assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "no IPv6 in this kernel");
    }

    private static void sh(DrLab lab, String role, String command) throws Exception {
        NatLab.Result r = lab.exec(role, 20, "sh", "-c", command);
        if (r.status() != 0) {
            throw new AssertionError(role + ": " + command + " failed: " + r);
        }
    }

    private static void addIpv6(DrLab lab, Path serverScript) throws Exception {
        sh(lab, "client", "ip -6 addr add " + CLIENT + "/64 dev br0 nodad");
        sh(lab, "director", "ip -6 addr add " + DIRECTOR_OUTSIDE + "/64 dev d0 nodad && ip -6 addr add " + VIP
            + "/128 dev d0 nodad && ip -6 addr add " + DIRECTOR_INSIDE + "/64 dev d1 nodad");
        for (String[] w : WEBS) {
            sh(lab, w[0], "ip -6 addr add " + w[1] + "/64 dev eth0 nodad && ip -6 addr add " + w[2]
                + "/64 dev eth1 nodad && ip -6 addr add " + VIP + "/128 dev lo nodad");
            Path log = Path.of(serverScript + "." + w[0] + ".log");
            sh(lab, w[0], "nohup /usr/bin/python3 " + serverScript + " " + VIP + " 80 '" + w[0] + " V6 DR' >" + log
                + " 2>&1 </dev/null & for i in $(seq 1 50); do curl -g -s -m 1 -o /dev/null http://[" + VIP
                + "]:80/ && exit 0; sleep 0.1; done; cat " + log + "; exit 1");
        }
    }

    @Test
    void ipv6DrServiceCarriesHttpAndRepliesBypassTheDirector() throws Exception {
        Path script = Files.createTempFile("lvs-http6", ".py");
        try (DrLab lab = DrLab.up()) {
            Files.writeString(script, Ipv6NatEndToEndTest.HTTP6_SERVER);
            addIpv6(lab, script);
            lab.ipvsadm("-A", "-t", SERVICE, "-s", "rr");
            lab.ipvsadm("-a", "-t", SERVICE, "-r", WEBS[0][1], "-g");
            lab.ipvsadm("-a", "-t", SERVICE, "-r", WEBS[1][1], "-g");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                NatLab.Result r = lab.exec("client", 10, "curl", "-g", "-s", "--connect-timeout", "2", "-m", "4",
                    "http://" + SERVICE + "/");
                got.add(r.status() == 0 ? r.out().trim().split(" ")[0] : "(failed " + r.status() + ")");
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2", "web1");
            String stats = lab.ipvsadm("-Ln", "--stats");
            String line = stats.lines().filter(l -> l.startsWith("TCP  " + SERVICE)).findFirst().orElseThrow(
                () -> new AssertionError(stats));
            String[] f = line.substring(("TCP  " + SERVICE).length()).trim().split("\\s+");
            assertThat(Long.parseLong(f[0])).as(stats).isEqualTo(4);       // Conns
            assertThat(Long.parseLong(f[1])).as(stats).isGreaterThan(4);   // InPkts
            assertThat(Long.parseLong(f[2])).as("replies bypass the director\n" + stats).isZero(); // OutPkts
            assertThat(lab.ipvsadm("-Ln")).contains("-> [" + WEBS[0][1] + "]:80").contains("Route");
        } finally {
            Ipv6NatEndToEndTest.deleteScript(script);
        }
    }
}
