package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Persistent NAT services end to end ({@code -p}, {@code -M}), in the seed-000 lab of {@link NatLab}
 * (own namespaces, removed even on failure), with the real {@code bin/lvsd} and {@code bin/ipvsadm}.
 * The services use rr: web2 (added last) is picked first, web1 next, so without persistence a client's
 * second connection would go to the other real server. Needs root; skipped otherwise or with
 * -Dlvs.e2e=false.
 */
@Timeout(180)
class PersistenceEndToEndTest {
    private static final String VIP_PORT = NatLab.VIP + ":80";
    private static final String NEIGHBOUR = "198.18.0.20";

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
    }

    private static void addRealServers(NatLab lab, String proto, String vip, String rsSuffix) throws Exception {
        lab.ipvsadmOk("-a", proto, vip, "-r", NatLab.WEB1 + rsSuffix, "-m");
        lab.ipvsadmOk("-a", proto, vip, "-r", NatLab.WEB2 + rsSuffix, "-m");
    }

    /** Which real server answered an HTTP request from the client namespace's address {@code source}. */
    private static String httpFrom(NatLab lab, String source) throws Exception {
        NatLab.Result r = lab.exec("client", 10, "curl", "-s", "--interface", source, "--connect-timeout", "2",
            "-m", "4", "http://" + VIP_PORT + "/");
        return r.status() != 0 ? "(failed " + r.status() + ")" : r.out().trim().split(" ")[0];
    }

    /** Which real server answered a UDP datagram from a fresh source port (a new connection each time). */
    private static String udpAnswer(NatLab lab, String vip, int port) throws Exception {
        NatLab.Result r = lab.exec("client", 10, "/usr/bin/python3", "-c",
            "import socket\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3)\n"
                + "s.sendto(b'ping',('" + vip + "'," + port + "));d,a=s.recvfrom(2048)\n"
                + "print(d.decode().split(' ')[0])");
        return r.status() == 0 ? r.out().trim() : "(failed) " + r;
    }

    private static Pattern templateLine(String proto, String source, String virtual, String destination) {
        return Pattern.compile("(?m)^" + proto + "\\s+\\d\\d:\\d\\d\\s+(NONE|ASSURED)\\s+" + Pattern.quote(source)
            + "\\s+" + Pattern.quote(virtual) + "\\s+" + Pattern.quote(destination) + "\\s*$");
    }

    @Test
    void aClientStaysOnOneRealServerUntilItsTemplateExpires() throws Exception {
        try (NatLab lab = NatLab.up("--udp-port", "5300")) {
            lab.ipvsadmOk("-A", "-t", VIP_PORT, "-s", "rr", "-p", "3");
            addRealServers(lab, "-t", VIP_PORT, "");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(httpFrom(lab, "198.18.0.10"));
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web2", "web2", "web2");

            String conns = lab.ipvsadmOk("-Lcn");
            assertThat(conns).as(conns).containsPattern(
                templateLine("TCP", "198.18.0.10:0", VIP_PORT, NatLab.WEB2 + ":80"));
            assertThat(conns.lines().filter(l -> l.startsWith("TCP"))).as(conns).hasSize(5); // 4 + the template
            assertThat(lab.ipvsadmOk("-Lcn", "--persistent-conn")).containsPattern(
                templateLine("TCP", "198.18.0.10:0", VIP_PORT, NatLab.WEB2 + ":80"));
            String persist = lab.ipvsadmOk("-Ln", "--persistent-conn");
            assertThat(persist).as(persist).containsPattern(
                Pattern.quote(NatLab.WEB2 + ":80") + "\\s+1\\s+1\\s+\\d+\\s+\\d+");
            assertThat(persist).as(persist).containsPattern(
                Pattern.quote(NatLab.WEB1 + ":80") + "\\s+1\\s+0\\s+0\\s+0");

            // UDP with 1 s connection timeouts, so that nothing but -p keeps the template alive.
            String udpVip = NatLab.VIP + ":5300";
            lab.ipvsadmOk("--set", "0", "0", "1");
            lab.ipvsadmOk("-A", "-u", udpVip, "-s", "rr", "-p", "3");
            addRealServers(lab, "-u", udpVip, ":5300");
            List<String> udp = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                udp.add(udpAnswer(lab, NatLab.VIP, 5300));
            }
            assertThat(udp).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web2", "web2");
            assertThat(lab.ipvsadmOk("-Lcn")).containsPattern(
                templateLine("UDP", "198.18.0.10:0", udpVip, NatLab.WEB2 + ":5300"));

            long deadline = System.nanoTime() + 20_000_000_000L;
            String listing = lab.ipvsadmOk("-Lcn");
            while (listing.lines().anyMatch(l -> l.startsWith("UDP")) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                listing = lab.ipvsadmOk("-Lcn");
            }
            assertThat(listing.lines().filter(l -> l.startsWith("UDP"))).as("template gone:\n" + listing).isEmpty();
            // The scheduler is asked again: rr's next real server.
            assertThat(udpAnswer(lab, NatLab.VIP, 5300)).isEqualTo("web1");
        }
    }

    @Test
    void netmaskGroupsTwoClientsOfOneSlash24() throws Exception {
        try (NatLab lab = NatLab.up()) {
            NatLab.Result added = lab.exec("client", 10, "/usr/sbin/ip", "addr", "add", NEIGHBOUR + "/24", "dev", "c0");
            assertThat(added.status()).as(added.toString()).isZero();
            // Let lvsd learn the second client's MAC (from the director kernel's ARP for the echo reply).
            lab.exec("client", 10, "ping", "-c", "1", "-W", "2", "-I", NEIGHBOUR, "198.18.0.11");
            lab.ipvsadmOk("-A", "-t", VIP_PORT, "-s", "rr", "-p", "30", "-M", "255.255.255.0");
            addRealServers(lab, "-t", VIP_PORT, "");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                got.add(httpFrom(lab, "198.18.0.10"));
                got.add(httpFrom(lab, NEIGHBOUR));
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web2", "web2", "web2");
            String conns = lab.ipvsadmOk("-Lcn");
            assertThat(conns).as(conns).containsPattern(
                templateLine("TCP", "198.18.0.0:0", VIP_PORT, NatLab.WEB2 + ":80"));
            assertThat(conns.lines().filter(l -> l.contains(":0 "))).as(conns).hasSize(1);
            assertThat(lab.ipvsadmOk("-Ln")).contains("persistent 30 mask 255.255.255.0");
        }
    }
}
