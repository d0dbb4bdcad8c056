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
 * A firewall-mark service end to end (docs/fwmark.md): the operator's own rule in the director marks
 * TCP to the VIP's ports 80 and 8080 with mark 1, {@code ipvsadm -A -f 1} balances both ports as one
 * service over two NAT real servers that listen on both ports. Needs root, iptables and nft; each test
 * has its own lab (namespaces removed in close, also on failure).
 */
@Timeout(180)
class FwmarkEndToEndTest {
    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/sbin/iptables-legacy",
            "/usr/sbin/iptables", "/usr/sbin/nft", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
    }

    @Test
    void iptablesMarkBalancesTwoPortsAsOneService() throws Exception {
        try (NatLab lab = NatLab.up()) {
            run(lab, "director", "iptables", "-t", "mangle", "-A", "PREROUTING", "-d", NatLab.VIP, "-p", "tcp",
                "-m", "multiport", "--dports", "80,8080", "-j", "MARK", "--set-mark", "1");
            balancesBothPorts(lab);
        }
    }

    @Test
    void nftMarkBalancesTwoPortsAsOneService() throws Exception {
        try (NatLab lab = NatLab.up()) {
            run(lab, "director", "nft", "add table ip operator; add chain ip operator pre "
                + "{ type filter hook prerouting priority mangle; }; add rule ip operator pre ip daddr " + NatLab.VIP
                + " tcp dport { 80, 8080 } meta mark set 0x2a");
            balancesBothPorts(lab, "42");
        }
    }

    private static void balancesBothPorts(NatLab lab) throws Exception {
        balancesBothPorts(lab, "1");
    }

    private static void balancesBothPorts(NatLab lab, String mark) throws Exception {
        listenOn8080(lab, "web1", NatLab.WEB1);
        listenOn8080(lab, "web2", NatLab.WEB2);
        lab.ipvsadmOk("-A", "-f", mark, "-s", "rr");
        lab.ipvsadmOk("-a", "-f", mark, "-r", NatLab.WEB1, "-m");
        lab.ipvsadmOk("-a", "-f", mark, "-r", NatLab.WEB2, "-m");

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int port = i % 4 < 2 ? 80 : 8080;
            String body = lab.curl("http://" + NatLab.VIP + ":" + port + "/");
            got.add(port + ":" + (body.startsWith("web1") ? "web1" : body.startsWith("web2") ? "web2" : body));
        }
        // One rr service across both ports: the newest real server first, then strictly alternating.
        assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly(
            "80:web2", "80:web1", "8080:web2", "8080:web1", "80:web2", "80:web1", "8080:web2", "8080:web1");

        String stats = lab.ipvsadmOk("-Ln", "--stats");
        assertThat(stats).contains("FWM  " + mark + " ");
        assertThat(conns(stats, "FWM  " + mark + " ")).as(stats).isEqualTo(8);
        assertThat(conns(stats, "  -> " + NatLab.WEB1 + ":0")).as(stats).isEqualTo(4);
        assertThat(conns(stats, "  -> " + NatLab.WEB2 + ":0")).as(stats).isEqualTo(4);
        // The real servers got the client's own port (a fwmark service keeps it).
        String conns = lab.ipvsadmOk("-Lcn");
        assertThat(conns).contains(NatLab.WEB1 + ":80").contains(NatLab.WEB1 + ":8080")
            .contains(NatLab.WEB2 + ":80").contains(NatLab.WEB2 + ":8080");

        // Deleting the service takes lvsd's queue rule away again.
        lab.ipvsadmOk("-D", "-f", mark);
        NatLab.Result rules = lab.exec("director", 10, "iptables-legacy", "-S");
        assertThat(rules.out()).doesNotContain("NFQUEUE");
    }

    /** A second HTTP server on port 8080 serving the same page; killed with the namespace. */
    private static void listenOn8080(NatLab lab, String role, String ip) throws Exception {
        String html = "/tmp/lvs-lab/" + lab.name + "/" + role + "/html";
        String log = "/tmp/lvs-lab/" + lab.name + "/" + role + "/http8080.log";
        // socketserver directly: http.server's HTTPServer asks DNS for the address's name (seconds here).
        String server = "import http.server as h, socketserver as s; s.TCPServer.allow_reuse_address = True; "
            + "s.TCPServer(('" + ip + "', 8080), h.SimpleHTTPRequestHandler).serve_forever()";
        run(lab, role, "sh", "-c", "cd " + html + " && (setsid /usr/bin/python3 -c \"" + server + "\" >" + log
            + " 2>&1 </dev/null &)");
        for (int i = 0; i < 50; i++) {
            if (lab.exec(role, 5, "curl", "-s", "-m", "1", "-o", "/dev/null", "http://" + ip + ":8080/").status() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(role + ": no HTTP server on 8080: " + Files.readString(Path.of(log)));
    }

    private static void run(NatLab lab, String role, String... command) throws Exception {
        NatLab.Result r = lab.exec(role, 20, command);
        if (r.status() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + r);
        }
    }

    /** The Conns column of the {@code --stats} line that starts with {@code prefix}. */
    private static long conns(String stats, String prefix) {
        for (String line : stats.lines().toList()) {
            if (line.startsWith(prefix)) {
                String[] f = line.substring(prefix.length()).trim().split("\\s+");
                return Long.parseLong(f[f.length - 5]);
            }
        }
        throw new AssertionError("no line " + prefix + " in\n" + stats);
    }
}
