package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed-003 LVS-DR cluster end to end, shaped like the kernel's ipvs.sh self-test (test_dr): real
 * namespaces, real HTTP servers prepared by {@code bin/lvs-realserver}, real curl, the real
 * {@code bin/lvsd}/{@code bin/ipvsadm}, two real servers under rr. Needs root; skipped otherwise, or
 * with -Dlvs.e2e=false. Every test builds its own lab (unique namespace names) and removes it even
 * when it fails.
 */
@Timeout(180)
class DirectRoutingEndToEndTest {
    private static final String SERVICE = DrLab.VIP + ":80";

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lib/lab-dr.sh")), "bin/lib/lab-dr.sh missing");
    }

    /** The seed's director commands: {@code -A -t VIP:port -s rr}, both real servers {@code -g}. */
    private static void configureSeed(DrLab lab, int port) throws Exception {
        String service = DrLab.VIP + ":" + port;
        lab.ipvsadm("-A", "-t", service, "-s", "rr");
        lab.ipvsadm("-a", "-t", service, "-r", DrLab.WEB1, "-g");
        lab.ipvsadm("-a", "-t", service, "-r", DrLab.WEB2, "-g");
    }

    private static List<String> requests(DrLab lab, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(lab.curl("http://" + SERVICE + "/").split(" ")[0]);
        }
        return got;
    }

    private static void assertAlternate(List<String> got, DrLab lab) {
        assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).allMatch(s -> s.equals("web1") || s.equals("web2"));
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i)).as("rr alternates: %s", got).isNotEqualTo(got.get(i - 1));
        }
    }

    @Test
    void requestsAlternateAndRepliesBypassTheDirector() throws Exception {
        try (DrLab lab = DrLab.up()) {
            configureSeed(lab, 80);
            assertThat(lab.ipvsadm("-Ln")).containsPattern(Pattern.quote(DrLab.WEB1 + ":80") + "\\s+Route\\s+1\\s");
            List<String> got = requests(lab, 6);
            assertAlternate(got, lab);

            String stats = lab.ipvsadm("-Ln", "--stats");
            long[] svc = numbers(stats, "TCP  " + SERVICE);
            assertThat(svc[0]).as(stats).isEqualTo(6);
            assertThat(numbers(stats, "  -> " + DrLab.WEB1 + ":80")[0]).as(stats).isEqualTo(3);
            assertThat(numbers(stats, "  -> " + DrLab.WEB2 + ":80")[0]).as(stats).isEqualTo(3);
            // The client's SYN, ACK, request, FIN, ACK pass the director; nothing comes back through it.
            assertThat(svc[1]).as("InPkts\n" + stats).isGreaterThanOrEqualTo(6 * 4);
            assertThat(svc[2]).as("OutPkts\n" + stats).isZero();
            assertThat(svc[4]).as("OutBytes\n" + stats).isZero();

            // INPUT-ONLY rows: a closed DR connection waits in FIN_WAIT and counts as inactive.
            String conns = lab.ipvsadm("-Lcn");
            assertThat(conns.lines().filter(l -> l.startsWith("TCP"))).as(conns).hasSize(6)
                .allMatch(l -> l.contains("FIN_WAIT"));
            String listing = lab.ipvsadm("-Ln");
            assertThat(listing).containsPattern(Pattern.quote(DrLab.WEB1 + ":80") + "\\s+Route\\s+1\\s+0\\s+3")
                .containsPattern(Pattern.quote(DrLab.WEB2 + ":80") + "\\s+Route\\s+1\\s+0\\s+3");
        }
    }

    @Test
    void anOpenConnectionIsActiveAndBecomesInactiveWhenTheClientCloses() throws Exception {
        try (DrLab lab = DrLab.up()) {
            configureSeed(lab, 80);
            // Hold one connection open for 3 s without sending anything.
            ProcessBuilder pb = new ProcessBuilder(lab.bin("lvs-lab"), "exec", lab.name, "client", "/usr/bin/python3",
                "-c", "import socket,time\ns=socket.create_connection(('" + DrLab.VIP + "',80),timeout=3)\n"
                    + "time.sleep(3)\ns.close()").redirectErrorStream(true);
            Process holder = pb.start();
            try {
                String during = waitForListing(lab, "\\s+Route\\s+1\\s+1\\s+0", 2_500);
                assertThat(lab.ipvsadm("-Lcn")).contains("ESTABLISHED");
                assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
                String after = waitForListing(lab, "\\s+Route\\s+1\\s+0\\s+1", 2_000);
                assertThat(lab.ipvsadm("-Lcn")).as(during + after).contains("FIN_WAIT");
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void bulkTransfersArriveIntactBothWays() throws Exception {
        try (DrLab lab = DrLab.up("--sink-port", "8080")) {
            configureSeed(lab, 80);
            configureSeed(lab, 8080);
            // Upload: every byte crosses lvsd (GSO super-frames and all) on its way to a real server.
            List<String> sinks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                NatLab.Result r = lab.exec("client", 60, "/usr/bin/python3", "-c",
                    "import hashlib,os,socket\n"
                        + "data=os.urandom(3*1024*1024+4321)\n"
                        + "s=socket.create_connection(('" + DrLab.VIP + "',8080),timeout=20)\n"
                        + "s.sendall(data);s.shutdown(socket.SHUT_WR)\n"
                        + "answer=b''\n"
                        + "while True:\n"
                        + "  b=s.recv(4096)\n"
                        + "  if not b: break\n"
                        + "  answer+=b\n"
                        + "print(hashlib.sha256(data).hexdigest(),len(data),answer.decode().strip())");
                assertThat(r.status()).as("%s\nlvsd log:\n%s", r, lab.lvsdLog()).isZero();
                String[] f = r.out().trim().split(" ");
                assertThat(f).as(r.out()).hasSize(5);
                assertThat(f[3]).as("sha256 at the real server").isEqualTo(f[0]);
                assertThat(f[4]).as("bytes at the real server").isEqualTo(f[1]);
                sinks.add(f[2]);
            }
            assertThat(sinks).as("rr: one upload per real server").containsExactlyInAnyOrder("web1", "web2");

            // Download: the real server sends 4 MiB straight to the client; only ACKs cross lvsd.
            NatLab.Result download = lab.exec("client", 60, "sh", "-c",
                "curl -s --connect-timeout 2 -m 30 http://" + SERVICE + "/bulk.bin | sha256sum");
            assertThat(download.out().split(" ")[0]).as(download.toString()).isEqualTo(sha256(lab.bulkFile()));

            String stats = lab.ipvsadm("-Ln", "--stats");
            long[] upload = numbers(stats, "TCP  " + DrLab.VIP + ":8080");
            assertThat(upload[3]).as("InBytes\n" + stats).isGreaterThan(2L * 3 * 1024 * 1024);
            assertThat(upload[2]).as("OutPkts\n" + stats).isZero();
            assertThat(numbers(stats, "TCP  " + SERVICE)[2]).as("OutPkts\n" + stats).isZero();
        }
    }

    @Test
    void vipOnTheDirectorsLoopbackAsInTheKernelSelfTest() throws Exception {
        try (DrLab lab = DrLab.up("--vip-on", "lo")) {
            assertThat(lab.exec("director", 10, "ip", "-o", "-4", "addr", "show", "dev", "lo").out())
                .contains(DrLab.VIP + "/32");
            configureSeed(lab, 80);
            assertAlternate(requests(lab, 4), lab);
            assertThat(numbers(lab.ipvsadm("-Ln", "--stats"), "TCP  " + SERVICE)[2]).isZero();
        }
    }

    @Test
    void vipNotOnTheDirectorIsAnsweredByLvsd() throws Exception {
        try (DrLab lab = DrLab.up("--vip-on", "none")) {
            configureSeed(lab, 80);
            assertAlternate(requests(lab, 4), lab);
        }
    }

    /** Polls {@code -Ln} until a real server line matches {@code pattern}; returns the listing. */
    private static String waitForListing(DrLab lab, String pattern, long timeoutMs) throws Exception {
        Pattern p = Pattern.compile("(" + Pattern.quote(DrLab.WEB1 + ":80") + "|" + Pattern.quote(DrLab.WEB2 + ":80")
            + ")" + pattern);
        long deadline = System.currentTimeMillis() + timeoutMs;
        String listing = lab.ipvsadm("-Ln");
        while (!p.matcher(listing).find() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            listing = lab.ipvsadm("-Ln");
        }
        assertThat(listing).as("lvsd log:\n%s", lab.lvsdLog()).containsPattern(p);
        return listing;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** Conns, InPkts, OutPkts, InBytes, OutBytes of the --stats line starting with {@code prefix}. */
    private static long[] numbers(String stats, String prefix) {
        String line = stats.lines().filter(l -> l.startsWith(prefix + " ")).findFirst()
            .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + stats));
        String[] f = line.substring(prefix.length()).trim().split("\\s+");
        long[] v = new long[5];
        for (int i = 0; i < 5; i++) {
            v[i] = parseScaled(f[i]);
        }
        return v;
    }

    /** ipvsadm prints large numbers with a K/M/G suffix. */
    private static long parseScaled(String s) {
        char unit = s.charAt(s.length() - 1);
        long scale = unit == 'K' ? 1_000L : unit == 'M' ? 1_000_000L : unit == 'G' ? 1_000_000_000L : 1;
        return scale == 1 ? Long.parseLong(s) : Long.parseLong(s.substring(0, s.length() - 1)) * scale;
    }
}
