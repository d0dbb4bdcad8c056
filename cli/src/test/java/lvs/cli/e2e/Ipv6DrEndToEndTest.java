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
 * An IPv6 LVS-DR service end to end: the DR lab's namespaces ({@link DrLab}) get IPv6 addresses
 * ({@link Ipv6Lab}), the VIP 2001:2::fe on the director's outside NIC and on each real server's lo (IPv6 needs no
 * arp_ignore: Linux answers a solicitation only for an address of the asking interface), and an IPv6
 * HTTP server on the VIP in each real server. lvsd resolves the real servers by neighbour discovery
 * and forwards the client's packets unchanged but for the hop limit and the MACs; replies go straight
 * to the client. Root only; the lab removes its namespaces even on failure.
 */
@Timeout(180)
class Ipv6DrEndToEndTest {
    private static final String VIP = Ipv6Lab.VIP;
    private static final String SERVICE = "[" + VIP + "]:80";
    private static final String[][] WEBS = Ipv6Lab.WEBS;

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

    @Test
    void ipv6DrServiceCarriesHttpAndRepliesBypassTheDirector() throws Exception {
        Path script = Files.createTempFile("lvs-http6", ".py");
        try (DrLab lab = DrLab.up()) {
            Files.writeString(script, Ipv6NatEndToEndTest.HTTP6_SERVER);
            Ipv6Lab.addAddresses(lab::exec);
            Ipv6Lab.vipOnRealServersLo(lab::exec);
            Ipv6Lab.startServers(lab::exec, script, 80, "V6 DR");
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
