package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An IPv6 LVS-TUN service end to end (the kernel's {@code ip_vs_tunnel_xmit_v6}): the TUN lab
 * ({@link TunLab}) with IPv6 addresses ({@link Ipv6Lab}); the real servers restarted by
 * {@code bin/lvs-realserver --mode tun} with the IPv6 VIP as well (this kernel has no ip6_tunnel module:
 * the user-space decapsulator takes IPv6-in-IPv6, GUE and GRE over IPv6). lvsd wraps each client packet
 * in an outer IPv6 header from its lan address to the real server's; replies go straight to the client
 * (OutPkts 0). An upload larger than one segment checks that every byte arrives: full-size segments no
 * longer fit once encapsulated, so lvsd answers with ICMPv6 packet too big (or cuts a GSO frame to fit)
 * and the client's TCP carries on. Root only; every test builds its own lab and removes it.
 */
@Timeout(240)
class Ipv6TunnelEndToEndTest {
    private static final String SERVICE = "[" + Ipv6Lab.VIP + "]:80";
    private static final int UPLOAD_PORT = 8080;

    /** Ipv6NatEndToEndTest's HTTP server plus POST: reads the body and answers "ROLE sha256 length". */
    private static final String HTTP6_SERVER_WITH_UPLOAD = Ipv6NatEndToEndTest.HTTP6_SERVER.replace(
        "    def log_message(self, *args):",
        String.join("\n",
            "    def do_POST(self):",
            "        import hashlib",
            "        n = int(self.headers['Content-Length'])",
            "        data = self.rfile.read(n)",
            "        body = ('%s %s %d\\n' % (sys.argv[3].split()[0], hashlib.sha256(data).hexdigest(), len(data))).encode()",
            "        self.send_response(200)",
            "        self.send_header('Content-Length', str(len(body)))",
            "        self.end_headers()",
            "        self.wfile.write(body)",
            "    def log_message(self, *args):"));

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/bin/python3", "/usr/sbin/nft"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun missing");
        assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "no IPv6 in this kernel");
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lib/lab-tun.sh")), "bin/lib/lab-tun.sh missing");
    }

    private static List<String> tunnelOptions(String variant) {
        return switch (variant) {
            case "ipip" -> List.of();
            case "gue-nocsum" -> List.of("--tun-type", "gue", "--tun-port", "6080", "--tun-nocsum");
            case "gre-csum" -> List.of("--tun-type", "gre", "--tun-csum");
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private static void configure(TunLab lab, int port, String variant) throws Exception {
        String service = "[" + Ipv6Lab.VIP + "]:" + port;
        lab.ipvsadm("-A", "-t", service, "-s", "rr");
        for (String[] w : Ipv6Lab.WEBS) {
            List<String> args = new ArrayList<>(List.of("-a", "-t", service, "-r", "[" + w[1] + "]:" + port, "-i"));
            args.addAll(tunnelOptions(variant));
            lab.ipvsadm(args.toArray(new String[0]));
        }
    }

    private static String curl(TunLab lab, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-g", "-s", "--connect-timeout", "2", "-m", "20"));
        cmd.addAll(List.of(args));
        NatLab.Result r = lab.exec("client", 30, cmd.toArray(new String[0]));
        return r.status() == 0 ? r.out().trim() : "(failed " + r.status() + ")";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipip", "gue-nocsum", "gre-csum"})
    void ipv6TunServiceCarriesHttpAndUploadsAndRepliesBypassTheDirector(String variant) throws Exception {
        Path script = Files.createTempFile("lvs-http6tun", ".py");
        try (TunLab lab = TunLab.up("--tun-port", "6080")) {
            Files.writeString(script, HTTP6_SERVER_WITH_UPLOAD);
            Ipv6Lab.addAddresses(lab::exec);
            for (String[] w : Ipv6Lab.WEBS) { // again, now with the IPv6 VIP and the new addresses
                lab.realserver(w[0], "stop");
                lab.realserver(w[0], "start", "--vip", TunLab.VIP, "--vip", Ipv6Lab.VIP, "--mode", "tun");
            }
            Ipv6Lab.startServers(lab::exec, script, 80, "V6 TUN");
            Ipv6Lab.startServers(lab::exec, script, UPLOAD_PORT, "V6 TUN");
            configure(lab, 80, variant);
            configure(lab, UPLOAD_PORT, variant);
            assertThat(lab.ipvsadm("-Ln")).contains("-> [" + Ipv6Lab.WEBS[0][1] + "]:80").contains("Tunnel");

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(curl(lab, "http://" + SERVICE + "/").split(" ")[0]);
            }
            assertThat(got).as("logs:\n%s", lab.logs()).containsExactly("web2", "web1", "web2", "web1");

            // 300 kB up: 1440-byte segments make 1500-byte packets, 40 more than the tunnel carries.
            NatLab.Result upload = lab.exec("client", 60, "sh", "-c",
                "head -c 300000 /dev/urandom > /tmp/" + lab.name + ".up && sha256sum < /tmp/" + lab.name + ".up"
                    + " && curl -g -s --connect-timeout 2 -m 30 --data-binary @/tmp/" + lab.name + ".up"
                    + " -H 'Content-Type: application/octet-stream' http://[" + Ipv6Lab.VIP + "]:" + UPLOAD_PORT + "/;"
                    + " rc=$?; rm -f /tmp/" + lab.name + ".up; exit $rc");
            assertThat(upload.status()).as("%s\nlogs:\n%s", upload, lab.logs()).isZero();
            String[] lines = upload.out().trim().split("\n");
            assertThat(lines).as(upload.out()).hasSize(2);
            String sent = lines[0].split(" ")[0];
            String[] answer = lines[1].trim().split(" ");
            assertThat(answer).as(lines[1]).hasSize(3);
            assertThat(answer[1]).as("sha256 at the real server").isEqualTo(sent);
            assertThat(answer[2]).as("bytes at the real server").isEqualTo("300000");

            String stats = lab.ipvsadm("-Ln", "--stats");
            String line = stats.lines().filter(l -> l.startsWith("TCP  " + SERVICE)).findFirst()
                .orElseThrow(() -> new AssertionError(stats));
            String[] f = line.substring(("TCP  " + SERVICE).length()).trim().split("\\s+");
            assertThat(Long.parseLong(f[0])).as(stats).isEqualTo(4);      // Conns
            assertThat(Long.parseLong(f[1])).as(stats).isGreaterThan(4);  // InPkts
            assertThat(Long.parseLong(f[2])).as("replies bypass the director\n" + stats).isZero(); // OutPkts
        } finally {
            Ipv6NatEndToEndTest.deleteScript(script);
        }
    }
}
