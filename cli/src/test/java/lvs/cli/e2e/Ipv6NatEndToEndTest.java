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
 * An IPv6 LVS-NAT service end to end: the seed lab's namespaces ({@link NatLab}) get IPv6 addresses
 * from the benchmarking prefix 2001:2::/48 (outside 2001:2::/64, inside 2001:2:0:1::/64, no DAD), each
 * real server an IPv6 HTTP server, and {@code ipvsadm -A -t [2001:2::11]:80} with two masqueraded real
 * servers carries curl's requests through lvsd (neighbour discovery from user space, IPv6 NAT, replies
 * from the VIP). Root only; the lab removes its namespaces even on failure.
 */
@Timeout(180)
class Ipv6NatEndToEndTest {
    static final String CLIENT = "2001:2::10";
    static final String VIP = "2001:2::11";
    static final String DIRECTOR_INSIDE = "2001:2:0:1::11";
    static final String WEB1 = "2001:2:0:1::12";
    static final String WEB2 = "2001:2:0:1::13";
    private static final String SERVICE = "[" + VIP + "]:80";

    /** A one-page HTTP server on an IPv6 address: argv address, port, body. */
    static final String HTTP6_SERVER = String.join("\n",
        "import http.server, socket, socketserver, sys",
        "class Server(http.server.HTTPServer):",
        "    address_family = socket.AF_INET6",
        "    def server_bind(self):",  // HTTPServer's own asks DNS for the address's name: seconds in a netns
        "        socketserver.TCPServer.server_bind(self)",
        "        self.server_name, self.server_port = 'rs', self.server_address[1]",
        "class Page(http.server.BaseHTTPRequestHandler):",
        "    def do_GET(self):",
        "        body = (sys.argv[3] + '\\n').encode()",
        "        self.send_response(200)",
        "        self.send_header('Content-Length', str(len(body)))",
        "        self.end_headers()",
        "        self.wfile.write(body)",
        "    def log_message(self, *args):",
        "        pass",
        "Server((sys.argv[1], int(sys.argv[2])), Page).serve_forever()");

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

    static void sh(NatLab lab, String role, String command) throws Exception {
        NatLab.Result r = lab.exec(role, 20, "sh", "-c", command);
        if (r.status() != 0) {
            throw new AssertionError(role + ": " + command + " failed: " + r);
        }
    }

    /** Adds the IPv6 side of the seed lab: addresses without DAD, the real servers' default route, servers. */
    static void addIpv6(NatLab lab, Path serverScript) throws Exception {
        sh(lab, "client", "ip -6 addr add " + CLIENT + "/64 dev c0 nodad");
        sh(lab, "director", "ip -6 addr add " + VIP + "/64 dev d0 nodad && ip -6 addr add " + DIRECTOR_INSIDE
            + "/64 dev d1 nodad");
        String[][] webs = {{"web1", WEB1, "web1 V6 " + WEB1}, {"web2", WEB2, "web2 V6 " + WEB2}};
        for (String[] w : webs) {
            sh(lab, w[0], "ip -6 addr add " + w[1] + "/64 dev eth0 nodad && ip -6 route add default via "
                + DIRECTOR_INSIDE);
            // Asked from inside the real server itself: the director's guard drops RS replies once a service exists.
            Path log = Path.of(serverScript + "." + w[0] + ".log");
            sh(lab, w[0], "nohup /usr/bin/python3 " + serverScript + " " + w[1] + " 80 '" + w[2] + "' >" + log
                + " 2>&1 </dev/null & for i in $(seq 1 50); do curl -g -s -m 1 -o /dev/null http://[" + w[1]
                + "]:80/ && exit 0; sleep 0.1; done; cat " + log + "; exit 1");
        }
    }

    static void deleteScript(Path script) throws java.io.IOException {
        Files.deleteIfExists(script);
        Files.deleteIfExists(Path.of(script + ".web1.log"));
        Files.deleteIfExists(Path.of(script + ".web2.log"));
    }

    static String curl6(NatLab lab, String url) throws Exception {
        NatLab.Result r = lab.exec("client", 10, "curl", "-g", "-s", "--connect-timeout", "2", "-m", "4", url);
        return r.status() == 0 ? r.out().trim() : "(failed " + r.status() + ")";
    }

    @Test
    void ipv6NatServiceCarriesHttpInWrrOrder() throws Exception {
        Path script = Files.createTempFile("lvs-http6", ".py");
        try (NatLab lab = NatLab.up()) {
            Files.writeString(script, HTTP6_SERVER);
            addIpv6(lab, script);
            lab.ipvsadmOk("-A", "-t", SERVICE, "-s", "wrr");
            lab.ipvsadmOk("-a", "-t", SERVICE, "-r", "[" + WEB1 + "]:80", "-w", "1", "-m");
            lab.ipvsadmOk("-a", "-t", SERVICE, "-r", "[" + WEB2 + "]:80", "-w", "2", "-m");

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String body = curl6(lab, "http://" + SERVICE + "/");
                got.add(body.startsWith("web1 V6") ? "web1" : body.startsWith("web2 V6") ? "web2" : body);
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog())
                .containsExactly("web2", "web1", "web2", "web2", "web1", "web2");

            String list = lab.ipvsadmOk("-Ln", "--stats");
            assertThat(list).as(list).contains("TCP  " + SERVICE).contains("-> [" + WEB1 + "]:80")
                .contains("-> [" + WEB2 + "]:80");
            String conns = lab.ipvsadmOk("-Lcn");
            assertThat(conns.lines().filter(l -> l.startsWith("TCP"))).as(conns).hasSize(6)
                .allMatch(l -> l.contains(CLIENT) && l.contains(VIP));
        } finally {
            deleteScript(script);
        }
    }

    @Test
    void ipv6VipNotOnTheDirectorIsAnsweredByLvsdNeighbourDiscovery() throws Exception {
        Path script = Files.createTempFile("lvs-http6", ".py");
        try (NatLab lab = NatLab.up()) {
            Files.writeString(script, HTTP6_SERVER);
            addIpv6(lab, script);
            String vip = "2001:2::100";
            String service = "[" + vip + "]:80";
            lab.ipvsadmOk("-A", "-t", service, "-s", "rr");
            lab.ipvsadmOk("-a", "-t", service, "-r", "[" + WEB1 + "]:80", "-m");
            lab.ipvsadmOk("-a", "-t", service, "-r", "[" + WEB2 + "]:80", "-m");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(curl6(lab, "http://" + service + "/").split(" ")[0]);
            }
            // rr starts at the newest real server (web2), as the kernel's list order has it.
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2", "web1");
            String neigh = lab.exec("client", 10, "ip", "-6", "neigh", "show", vip).out();
            assertThat(neigh).as(neigh).contains("lladdr");
        } finally {
            deleteScript(script);
        }
    }
}
