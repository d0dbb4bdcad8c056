package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LVS-TUN end to end, shaped like the kernel's ipvs.sh self-test (test_tun): the real bin/lvsd wraps
 * client packets in IPIP, GUE or GRE; the real servers have no ipip/fou/gre modules and decapsulate in
 * user space (bin/lvs-realserver --mode tun); real HTTP servers, curl, and a TCP sink that hashes what
 * it receives. Two real servers under rr alternate, a few MB arrive intact both ways, and the replies
 * bypass the director (OutPkts 0). Needs root; skipped otherwise, or with -Dlvs.e2e=false. Every test
 * builds its own lab and removes it even when it fails.
 */
@Timeout(240)
class TunnelEndToEndTest {
    private static final String SERVICE = TunLab.VIP + ":80";
    private static final int SINK_PORT = 8080;
    private static final String GUE_PORT = "6080";

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/curl", "/usr/bin/python3", "/usr/sbin/nft"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun missing");
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lib/lab-tun.sh")), "bin/lib/lab-tun.sh missing");
    }

    /** {@code -A -t VIP:port -s rr}, both real servers {@code -i} with the tunnel options. */
    private static void configure(TunLab lab, int port, List<String> tunnelOptions) throws Exception {
        String service = TunLab.VIP + ":" + port;
        lab.ipvsadm("-A", "-t", service, "-s", "rr");
        for (String rip : new String[] {TunLab.WEB1, TunLab.WEB2}) {
            List<String> args = new ArrayList<>(List.of("-a", "-t", service, "-r", rip, "-i"));
            args.addAll(tunnelOptions);
            lab.ipvsadm(args.toArray(new String[0]));
        }
    }

    private static List<String> tunnelOptions(String variant) {
        return switch (variant) {
            case "ipip" -> List.of();
            case "gue-nocsum" -> List.of("--tun-type", "gue", "--tun-port", GUE_PORT, "--tun-nocsum");
            case "gue-csum" -> List.of("--tun-type", "gue", "--tun-port", GUE_PORT, "--tun-csum");
            case "gue-remcsum" -> List.of("--tun-type", "gue", "--tun-port", GUE_PORT, "--tun-remcsum");
            case "gre" -> List.of("--tun-type", "gre");
            case "gre-csum" -> List.of("--tun-type", "gre", "--tun-csum");
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private static void assertAlternate(TunLab lab, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(lab.curl("http://" + SERVICE + "/").split(" ")[0]);
        }
        assertThat(got).as("logs:\n%s", lab.logs()).allMatch(s -> s.equals("web1") || s.equals("web2"));
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i)).as("rr alternates: %s", got).isNotEqualTo(got.get(i - 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipip", "gue-nocsum", "gue-csum", "gue-remcsum", "gre", "gre-csum"})
    void requestsAlternateAndBulkArrivesIntactBothWays(String variant) throws Exception {
        try (TunLab lab = TunLab.up("--tun-port", GUE_PORT, "--sink-port", String.valueOf(SINK_PORT))) {
            configure(lab, 80, tunnelOptions(variant));
            configure(lab, SINK_PORT, tunnelOptions(variant));
            assertThat(lab.ipvsadm("-Ln")).containsPattern(Pattern.quote(TunLab.WEB1 + ":80") + "\\s+Tunnel\\s+1\\s");
            assertAlternate(lab, 6);

            // Upload: every byte is encapsulated by lvsd (GSO super-frames cut to fit the tunnel first).
            List<String> sinks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                NatLab.Result r = lab.exec("client", 60, "/usr/bin/python3", "-c",
                    "import hashlib,os,socket\n"
                        + "data=os.urandom(3*1024*1024+4321)\n"
                        + "s=socket.create_connection(('" + TunLab.VIP + "'," + SINK_PORT + "),timeout=20)\n"
                        + "s.sendall(data);s.shutdown(socket.SHUT_WR)\n"
                        + "answer=b''\n"
                        + "while True:\n"
                        + "  b=s.recv(4096)\n"
                        + "  if not b: break\n"
                        + "  answer+=b\n"
                        + "print(hashlib.sha256(data).hexdigest(),len(data),answer.decode().strip())");
                assertThat(r.status()).as("%s\nlogs:\n%s", r, lab.logs()).isZero();
                String[] f = r.out().trim().split(" ");
                assertThat(f).as(r.out()).hasSize(5);
                assertThat(f[3]).as("sha256 at the real server").isEqualTo(f[0]);
                assertThat(f[4]).as("bytes at the real server").isEqualTo(f[1]);
                sinks.add(f[2]);
            }
            assertThat(sinks).as("rr: one upload per real server").containsExactlyInAnyOrder("web1", "web2");

            // Download: 4 MiB straight from the real server to the client; only ACKs are tunnelled.
            NatLab.Result download = lab.exec("client", 60, "sh", "-c",
                "curl -s --connect-timeout 2 -m 30 http://" + SERVICE + "/bulk.bin | sha256sum");
            assertThat(download.out().split(" ")[0]).as(download.toString()).isEqualTo(sha256(lab.bulkFile()));

            String stats = lab.ipvsadm("-Ln", "--stats");
            long[] upload = numbers(stats, "TCP  " + TunLab.VIP + ":" + SINK_PORT);
            assertThat(upload[3]).as("InBytes\n" + stats).isGreaterThan(2L * 3 * 1024 * 1024);
            assertThat(upload[2]).as("OutPkts\n" + stats).isZero();
            long[] web = numbers(stats, "TCP  " + SERVICE);
            assertThat(web[0]).as(stats).isEqualTo(7);
            assertThat(web[2]).as("OutPkts\n" + stats).isZero();
        }
    }

    @Test
    void vipOnTheDirectorsLoopbackAsInTheKernelSelfTest() throws Exception {
        try (TunLab lab = TunLab.up("--vip-on", "lo")) {
            assertThat(lab.exec("director", 10, "ip", "-o", "-4", "addr", "show", "dev", "lo").out())
                .contains(TunLab.VIP + "/32");
            configure(lab, 80, List.of());
            assertAlternate(lab, 4);
            assertThat(numbers(lab.ipvsadm("-Ln", "--stats"), "TCP  " + SERVICE)[2]).isZero();
        }
    }

    @Test
    void theOuterHeaderIsTheKernelsAndTheRealServerKernelStaysQuiet() throws Exception {
        try (TunLab lab = TunLab.up()) {
            configure(lab, 80, List.of());
            // What web1's eth0 receives: IPIP from the director's lan address, TTL = inner TTL (63), DF, ID 0.
            NatLab.Result dump = lab.exec("web1", 30, "sh", "-c",
                "timeout 8 tcpdump -l -n -v -c 1 -i eth0 'ip proto 4' 2>/dev/null & sleep 1; "
                    + "ip netns exec " + lab.name + "-client curl -s -o /dev/null -m 3 http://" + SERVICE + "/; wait");
            if (!dump.out().isBlank()) { // tcpdump may be missing
                assertThat(dump.out()).as(dump.toString())
                    .contains("ttl 63, id 0, offset 0, flags [DF], proto IPIP (4)")
                    .contains("198.18.1.11 > 198.18.1.12: IP (tos 0x0, ttl 63,");
            }
            // No ICMP protocol unreachable from the real servers: their kernels never see the outer packets.
            String counters = lab.exec("web1", 10, "sh", "-c", "nstat -az IcmpOutDestUnreachs 2>/dev/null || "
                + "grep -A1 '^Icmp:' /proc/net/snmp").out();
            assertAlternate(lab, 4);
            String after = lab.exec("web1", 10, "sh", "-c", "nstat -az IcmpOutDestUnreachs 2>/dev/null || "
                + "grep -A1 '^Icmp:' /proc/net/snmp").out();
            assertThat(after).isEqualTo(counters);
        }
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

    private static long parseScaled(String s) {
        char unit = s.charAt(s.length() - 1);
        long scale = switch (unit) {
            case 'K' -> 1_000L;
            case 'M' -> 1_000_000L;
            case 'G' -> 1_000_000_000L;
            default -> 1L;
        };
        return Long.parseLong(scale == 1 ? s : s.substring(0, s.length() - 1)) * scale;
    }
}
