package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed-000 LVS-NAT cluster end to end, with real namespaces, real HTTP servers, real curl and the
 * real {@code bin/lvsd} / {@code bin/ipvsadm}. Needs root; skipped otherwise, or with -Dlvs.e2e=false.
 * Every test builds its own lab (unique namespace names) and removes it even when it fails.
 */
@Timeout(180)
class NatEndToEndTest {
    private static final String VIP_PORT = NatLab.VIP + ":80";

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
    }

    /** The seed's commands, with the real servers on {@code rsPort}. */
    private static void configureSeed(NatLab lab, String rsSuffix) throws Exception {
        lab.ipvsadmOk("-A", "-t", VIP_PORT, "-s", "wrr");
        lab.ipvsadmOk("-a", "-t", VIP_PORT, "-r", NatLab.WEB1 + rsSuffix, "-w", "1", "-m");
        lab.ipvsadmOk("-a", "-t", VIP_PORT, "-r", NatLab.WEB2 + rsSuffix, "-w", "2", "-m");
    }

    private static List<String> nineRequests(NatLab lab) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String body = lab.curl("http://" + VIP_PORT + "/");
            got.add(body.startsWith("web1") ? "web1" : body.startsWith("web2") ? "web2" : body);
        }
        return got;
    }

    private static final List<String> SEED_SEQUENCE =
        List.of("web2", "web1", "web2", "web2", "web1", "web2", "web2", "web1", "web2");

    @Test
    void seedClusterAnswersInWrrOrderAndCounts() throws Exception {
        try (NatLab lab = NatLab.up()) {
            configureSeed(lab, "");
            List<String> got = nineRequests(lab);
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).isEqualTo(SEED_SEQUENCE);

            String stats = lab.ipvsadmOk("-Ln", "--stats");
            // Conns per server as the seed's wrr split: 3 for web1, 6 for web2, 9 for the service.
            assertThat(conns(stats, "TCP  " + VIP_PORT)).as(stats).isEqualTo(9);
            assertThat(conns(stats, "  -> " + NatLab.WEB1 + ":80")).as(stats).isEqualTo(3);
            assertThat(conns(stats, "  -> " + NatLab.WEB2 + ":80")).as(stats).isEqualTo(6);
            long[] svc = numbers(stats, "TCP  " + VIP_PORT);
            // A curl is at least SYN, ACK, request, FIN, ACK in and SYN-ACK, response, FIN, ACK out.
            assertThat(svc[1]).as("InPkts\n" + stats).isGreaterThanOrEqualTo(9 * 4);
            assertThat(svc[2]).as("OutPkts\n" + stats).isGreaterThanOrEqualTo(9 * 4);
            assertThat(svc[3]).as("InBytes\n" + stats).isGreaterThan(svc[1] * 40);
            assertThat(svc[4]).as("OutBytes\n" + stats).isGreaterThan(svc[2] * 40);

            String conns = lab.ipvsadmOk("-Lcn");
            List<Integer> expiry = expiries(conns);
            assertThat(expiry).as(conns).hasSize(9);
            assertThat(conns).as(conns).contains(NatLab.VIP + ":80").contains(NatLab.WEB1 + ":80")
                .contains(NatLab.WEB2 + ":80");
            assertThat(conns.lines().filter(l -> l.startsWith("TCP")).allMatch(
                l -> l.contains("TIME_WAIT") || l.contains("CLOSE") || l.contains("FIN_WAIT"))).as(conns).isTrue();
            Thread.sleep(2_100);
            List<Integer> later = expiries(lab.ipvsadmOk("-Lcn"));
            assertThat(later.stream().mapToInt(Integer::intValue).sum())
                .as("expiry counts down").isLessThan(expiry.stream().mapToInt(Integer::intValue).sum());

            // -Z reaches the data plane's counters; connections and their counts stay.
            lab.ipvsadmOk("-Z");
            String zeroed = lab.ipvsadmOk("-Ln", "--stats");
            assertThat(numbers(zeroed, "TCP  " + VIP_PORT)).as(zeroed).containsOnly(0L);
            assertThat(lab.ipvsadmOk("-Lcn").lines().filter(l -> l.startsWith("TCP"))).hasSize(9);
            assertThat(lab.curl("http://" + VIP_PORT + "/")).startsWith("web2"); // the 10th starts a new cycle
            String after = lab.ipvsadmOk("-Ln", "--stats");
            assertThat(conns(after, "  -> " + NatLab.WEB2 + ":80")).as(after).isEqualTo(1);
            assertThat(conns(after, "  -> " + NatLab.WEB1 + ":80")).as(after).isZero();
        }
    }

    @Test
    void portMappingVip80ToRealServer8080() throws Exception {
        try (NatLab lab = NatLab.up("--rs-port", "8080")) {
            configureSeed(lab, ":8080");
            assertThat(nineRequests(lab)).as("lvsd log:\n%s", lab.lvsdLog()).isEqualTo(SEED_SEQUENCE);
            assertThat(lab.ipvsadmOk("-Ln")).contains(NatLab.WEB1 + ":8080").contains(NatLab.WEB2 + ":8080");
        }
    }

    @Test
    void udpServiceIsBalancedAndRepliesComeFromTheVip() throws Exception {
        try (NatLab lab = NatLab.up("--udp-port", "5300")) {
            String vip = NatLab.VIP + ":5300";
            lab.ipvsadmOk("-A", "-u", vip, "-s", "rr");
            lab.ipvsadmOk("-a", "-u", vip, "-r", NatLab.WEB1 + ":5300", "-m");
            lab.ipvsadmOk("-a", "-u", vip, "-r", NatLab.WEB2 + ":5300", "-m");
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(lab.udpPing(5300)); // a new source port: a new UDP connection
            }
            assertThat(answers).as("lvsd log:\n%s", lab.lvsdLog()).allMatch(a -> a.endsWith(" " + vip));
            assertThat(answers).anyMatch(a -> a.startsWith("web1 ping")).anyMatch(a -> a.startsWith("web2 ping"));
            String conns = lab.ipvsadmOk("-Lcn");
            assertThat(conns.lines().filter(l -> l.startsWith("UDP"))).as(conns).hasSize(4);
            // UDP connections are never active: the listing shows them as InActConn.
            assertThat(lab.ipvsadmOk("-Ln")).containsPattern(Pattern.quote(NatLab.WEB1 + ":5300") + "\\s+Masq\\s+1\\s+0\\s+2");
        }
    }

    @Test
    void vipNotConfiguredOnTheDirectorIsAnsweredByLvsd() throws Exception {
        try (NatLab lab = NatLab.up("--no-vip", "--vip", "198.18.0.100")) {
            lab.ipvsadmOk("-A", "-t", "198.18.0.100:80", "-s", "wrr");
            lab.ipvsadmOk("-a", "-t", "198.18.0.100:80", "-r", NatLab.WEB1, "-w", "1", "-m");
            lab.ipvsadmOk("-a", "-t", "198.18.0.100:80", "-r", NatLab.WEB2, "-w", "2", "-m");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(lab.curl("http://198.18.0.100/").split(" ")[0]);
            }
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2");
        }
    }

    @Test
    void killMinus9AndRestartKeepsRulesAndForwardsNewConnections() throws Exception {
        try (NatLab lab = NatLab.up()) {
            configureSeed(lab, "");
            assertThat(lab.curl("http://" + VIP_PORT + "/")).startsWith("web2");
            assertThat(lab.stopLvsd(true).status()).isZero();
            assertThat(lab.startLvsd().status()).as(lab.lvsdLog()).isZero();
            String rules = lab.ipvsadmOk("-Ln");
            assertThat(rules).contains("TCP  " + VIP_PORT + " wrr").contains(NatLab.WEB1 + ":80")
                .contains(NatLab.WEB2 + ":80");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(lab.curl("http://" + VIP_PORT + "/").split(" ")[0]);
            }
            // A fresh scheduler after the restart: the wrr sequence starts over.
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2");
        }
    }

    /** The first number (Conns) on the --stats line starting with {@code prefix}. */
    private static long conns(String stats, String prefix) {
        return numbers(stats, prefix)[0];
    }

    /** Conns, InPkts, OutPkts, InBytes, OutBytes of the --stats line starting with {@code prefix} (K/M not expected). */
    private static long[] numbers(String stats, String prefix) {
        String line = stats.lines().filter(l -> l.startsWith(prefix)).findFirst()
            .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + stats));
        String[] f = line.substring(prefix.length()).trim().split("\\s+");
        long[] v = new long[5];
        for (int i = 0; i < 5; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        return v;
    }

    /** Expiry seconds (mm:ss) of every connection line of {@code -Lcn}. */
    private static List<Integer> expiries(String listing) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(TCP|UDP)\\s+(\\d+):(\\d\\d)\\s").matcher(listing);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3)));
        }
        return out;
    }
}
