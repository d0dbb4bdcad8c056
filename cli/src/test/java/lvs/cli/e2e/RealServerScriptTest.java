package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/lvs-realserver start} then {@code stop} leaves a real server's namespace exactly as it was:
 * every IPv4 interface sysctl, every address, every link flag. The namespace starts from non-default
 * values on purpose (strict rp_filter, an arp_announce of 1, one VIP already on lo) so that "restore"
 * cannot be mistaken for "reset to defaults". Root only; each test has its own namespaces and state
 * directory and removes them even when it fails.
 */
@Timeout(60)
class RealServerScriptTest {
    private static final String VIP = "198.18.7.100";
    private static final String VIP_ALREADY_THERE = "198.18.7.101";
    /** Everything lvs-realserver could touch (IPv6 DAD may finish meanwhile: "tentative" is not compared). */
    private static final String SNAPSHOT = "for f in /proc/sys/net/ipv4/conf/*/*; do echo \"$f $(cat $f 2>/dev/null)\"; done;"
        + " ip -o addr | sed 's/ tentative//'; ip -o link | sed 's/ qlen.*//'; ip -o route show table all";

    private String ns;
    private Path stateDir;

    @BeforeAll
    static void needsRoot() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")), "iproute2 missing");
    }

    @BeforeEach
    void namespace() throws Exception {
        ns = "lvsrse2e" + ProcessHandle.current().pid() % 100000 + "x" + System.nanoTime() % 1000;
        stateDir = Files.createTempDirectory("lvs-realserver");
        ok("ip", "netns", "add", ns);
        ok("ip", "netns", "add", ns + "-peer");
        ok("ip", "-n", ns, "link", "set", "lo", "up");
        ok("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "p0", "netns", ns + "-peer");
        ok("ip", "-n", ns, "addr", "add", "198.18.7.2/24", "dev", "eth0");
        ok("ip", "-n", ns, "link", "set", "eth0", "up");
        ok("ip", "-n", ns, "addr", "add", VIP_ALREADY_THERE + "/32", "dev", "lo");
        inNs("sh", "-c", "echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_announce");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        DrLab.run(List.of("ip", "netns", "del", ns), 10);
        DrLab.run(List.of("ip", "netns", "del", ns + "-peer"), 10);
        DrLab.run(List.of("rm", "-rf", stateDir.toString()), 10);
    }

    @Test
    void startAppliesTheSettingsAndStopPutsBackExactlyWhatWasThere() throws Exception {
        String before = inNs("sh", "-c", SNAPSHOT).out();

        NatLab.Result start = realServer("start", "--vip", VIP, "--vip", VIP_ALREADY_THERE);
        assertThat(start.status()).as(start.toString()).isZero();
        assertThat(sysctl("all/arp_ignore")).isEqualTo("1");
        assertThat(sysctl("all/arp_announce")).isEqualTo("2");
        assertThat(sysctl("eth0/arp_ignore")).isEqualTo("1");
        assertThat(sysctl("eth0/arp_announce")).isEqualTo("2");
        assertThat(sysctl("eth0/rp_filter")).as("strict (all=1) made loose on the NIC").isEqualTo("2");
        String lo = inNs("ip", "-o", "-4", "addr", "show", "dev", "lo").out();
        assertThat(lo).contains(VIP + "/32").contains(VIP_ALREADY_THERE + "/32");
        assertThat(realServer("start", "--vip", VIP).status()).as("a second start is refused").isNotZero();

        NatLab.Result stop = realServer("stop");
        assertThat(stop.status()).as(stop.toString()).isZero();
        assertThat(inNs("sh", "-c", SNAPSHOT).out()).isEqualTo(before);
        assertThat(realServer("stop").status()).as("stop twice is harmless").isZero();
        assertThat(inNs("sh", "-c", SNAPSHOT).out()).isEqualTo(before);
    }

    @Test
    void aStartThatFailsHalfWayUndoesItself() throws Exception {
        String before = inNs("sh", "-c", SNAPSHOT).out();
        // No tunl0 here and a decapsulator class that does not exist: start fails after the ARP
        // settings and the VIP were applied, and must take them back.
        NatLab.Result start = realServer("start", "--vip", VIP, "--mode", "tun");
        assertThat(start.status()).as(start.toString()).isNotZero();
        assumeTrue(!Files.isDirectory(Path.of("/sys/class/net/tunl0")), "tunl0 exists here");
        assertThat(start.err()).contains("decapsulator");
        assertThat(inNs("sh", "-c", SNAPSHOT).out()).isEqualTo(before);
        assertThat(realServer("status").out()).startsWith("stopped");
    }

    @Test
    void tunModeRunsTheDecapsulatorAndStopRemovesItWithEverythingElse() throws Exception {
        assumeTrue(!Files.isDirectory(Path.of("/sys/class/net/tunl0")), "tunl0 exists here: the kernel decapsulates");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        String before = inNs("sh", "-c", SNAPSHOT + "; nft list ruleset").out();

        NatLab.Result start = realServerWith("lvs.cli.realserver.TunnelDecapsulator", "start", "--vip", VIP,
            "--mode", "tun");
        assertThat(start.status()).as(start.toString()).isZero();
        assertThat(inNs("ip", "-o", "link", "show").out()).contains("lvstun0");
        assertThat(inNs("ip", "-o", "-4", "addr", "show", "dev", "lo").out()).contains(VIP + "/32");
        assertThat(realServer("status").out()).contains("decapsulator pid");

        NatLab.Result stop = realServerWith("lvs.cli.realserver.TunnelDecapsulator", "stop");
        assertThat(stop.status()).as(stop.toString()).isZero();
        assertThat(inNs("sh", "-c", SNAPSHOT + "; nft list ruleset").out()).isEqualTo(before);
        assertThat(DrLab.run(List.of("ip", "netns", "pids", ns), 10).out().trim()).as("no process left").isEmpty();
    }

    private NatLab.Result realServer(String... args) throws Exception {
        return realServerWith("lvs.test.NoSuchDecapsulator", args);
    }

    private NatLab.Result realServerWith(String decapsulatorClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env",
            "LVS_REALSERVER_STATE_DIR=" + stateDir, "LVS_DECAPSULATOR_CLASS=" + decapsulatorClass,
            NatLab.projectDir().resolve("bin/lvs-realserver").toString()));
        cmd.addAll(List.of(args));
        return DrLab.run(cmd, 30);
    }

    private String sysctl(String key) throws Exception {
        return inNs("cat", "/proc/sys/net/ipv4/conf/" + key).out().trim();
    }

    private NatLab.Result inNs(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return ok(cmd.toArray(new String[0]));
    }

    private static NatLab.Result ok(String... command) throws Exception {
        NatLab.Result r = DrLab.run(List.of(command), 20);
        assertThat(r.status()).as(String.join(" ", command) + ": " + r).isZero();
        return r;
    }
}
