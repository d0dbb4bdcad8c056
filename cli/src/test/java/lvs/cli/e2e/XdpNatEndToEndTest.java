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
 * The seed-000 NAT lab (same {@link NatLab} as {@link NatEndToEndTest}) with {@code lvsd --io xdp}:
 * the same answers in the same order, whether the frames come through AF_XDP (senders with checksum
 * offload off) or through the AF_PACKET tap (default veth offloads: CHECKSUM_PARTIAL frames are
 * passed by the XDP program). Needs root; skipped otherwise or with -Dlvs.e2e=false.
 */
@Timeout(180)
class XdpNatEndToEndTest {
    private static final String VIP_PORT = NatLab.VIP + ":80";
    private static final List<String> SEED_SEQUENCE =
        List.of("web2", "web1", "web2", "web2", "web1", "web2", "web2", "web1", "web2");

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/sbin/ethtool", "/usr/sbin/nft"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
    }

    private static NatLab xdpLab(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("--lvsd-opt", "--io=xdp"));
        all.addAll(List.of(options));
        return NatLab.up(all.toArray(new String[0]));
    }

    private static void configureSeed(NatLab lab) throws Exception {
        lab.ipvsadmOk("-A", "-t", VIP_PORT, "-s", "wrr");
        lab.ipvsadmOk("-a", "-t", VIP_PORT, "-r", NatLab.WEB1, "-w", "1", "-m");
        lab.ipvsadmOk("-a", "-t", VIP_PORT, "-r", NatLab.WEB2, "-w", "2", "-m");
    }

    private static List<String> requests(NatLab lab, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = lab.curl("http://" + VIP_PORT + "/");
            got.add(body.startsWith("web1") ? "web1" : body.startsWith("web2") ? "web2" : body);
        }
        return got;
    }

    /** Checksum offload off on every sender, so their frames carry complete checksums and take AF_XDP. */
    private static void offloadsOff(NatLab lab) throws Exception {
        assertThat(lab.exec("client", 10, "ethtool", "-K", "c0", "tx", "off").status()).isZero();
        assertThat(lab.exec("web1", 10, "ethtool", "-K", "eth0", "tx", "off").status()).isZero();
        assertThat(lab.exec("web2", 10, "ethtool", "-K", "eth0", "tx", "off").status()).isZero();
    }

    private static String link(NatLab lab, String dev) throws Exception {
        return lab.exec("director", 10, "ip", "link", "show", "dev", dev).out();
    }

    /** Packets counted by the guard's nftables drop rules: frames that reached the director's kernel. */
    private static long guardDrops(NatLab lab) throws Exception {
        String table = lab.exec("director", 10, "nft", "list", "table", "netdev", "lvsd").out();
        assertThat(table).as("the guard's table").contains("counter packets");
        long sum = 0;
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(table);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    @Test
    void completeChecksumsTakeAfXdpAndTheSeedAnswersAsWithAfPacket() throws Exception {
        try (NatLab lab = xdpLab()) {
            offloadsOff(lab);
            configureSeed(lab);
            assertThat(lab.lvsdLog()).contains("AF_XDP (native, native XDP)");
            assertThat(link(lab, "d0")).contains("xdp");
            assertThat(link(lab, "d1")).contains("xdp");
            assertThat(requests(lab, 9)).as("lvsd log:\n%s", lab.lvsdLog()).isEqualTo(SEED_SEQUENCE);
            String stats = lab.ipvsadmOk("-Ln", "--stats");
            assertThat(stats).containsPattern("TCP  " + Pattern.quote(VIP_PORT) + "\\s+9\\s");
            assertThat(stats).containsPattern(Pattern.quote("-> " + NatLab.WEB1 + ":80") + "\\s+3\\s");
            // every request and reply went around the kernel: its guard rules never saw one
            assertThat(guardDrops(lab)).as(lab.exec("director", 10, "nft", "list", "table", "netdev", "lvsd").out())
                .isZero();
        }
    }

    @Test
    void defaultOffloadsTakeTheAfPacketPathWithTheSameAnswers() throws Exception {
        try (NatLab lab = xdpLab()) {
            configureSeed(lab);
            assertThat(requests(lab, 9)).as("lvsd log:\n%s", lab.lvsdLog()).isEqualTo(SEED_SEQUENCE);
            // CHECKSUM_PARTIAL frames were passed to the stack (and its guard) by the XDP program
            assertThat(guardDrops(lab)).isPositive();
        }
    }

    @Test
    void udpThroughAfXdp() throws Exception {
        try (NatLab lab = xdpLab("--udp-port", "5300")) {
            offloadsOff(lab);
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
            assertThat(guardDrops(lab)).isZero();
        }
    }

    @Test
    void killMinus9LeavesNoProgramAndARestartAttachesAgain() throws Exception {
        try (NatLab lab = xdpLab()) {
            offloadsOff(lab);
            configureSeed(lab);
            assertThat(requests(lab, 1)).containsExactly("web2");
            assertThat(lab.stopLvsd(true).status()).isZero();
            // the bpf_link died with the process: no program is left to swallow the traffic
            assertThat(link(lab, "d0")).doesNotContain("xdp");
            assertThat(link(lab, "d1")).doesNotContain("xdp");
            assertThat(lab.startLvsd().status()).as(lab.lvsdLog()).isZero();
            assertThat(requests(lab, 3)).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2");
            assertThat(link(lab, "d0")).contains("xdp");
        }
    }
}
