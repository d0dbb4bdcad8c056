package lvs.cli.e2e;

import java.nio.file.Path;

/**
 * The IPv6 half of the DR and TUN labs (their namespaces are the same, {@link DrLab} and {@link TunLab}):
 * addresses from the benchmarking prefix 2001:2::/48 without DAD (client side 2001:2::/64, real servers'
 * side 2001:2:0:1::/64), the VIP 2001:2::fe on the director's outside NIC, the VIP on a real server's
 * lo, and an IPv6 HTTP server on the VIP in each real server.
 */
final class Ipv6Lab {
    static final String CLIENT = "2001:2::10";
    static final String DIRECTOR_OUTSIDE = "2001:2::11";
    static final String DIRECTOR_INSIDE = "2001:2:0:1::11";
    static final String VIP = "2001:2::fe";
    /** Role, address on the director's side (eth0, the real-server address), address on the client's side (eth1). */
    static final String[][] WEBS = {
        {"web1", "2001:2:0:1::12", "2001:2::12"}, {"web2", "2001:2:0:1::13", "2001:2::13"}};

    /** A lab's {@code exec}: a command in one role's namespace. */
    @FunctionalInterface
    interface Exec {
        NatLab.Result exec(String role, long timeoutSeconds, String... command) throws Exception;
    }

    private Ipv6Lab() {
    }

    static void sh(Exec lab, String role, String command) throws Exception {
        NatLab.Result r = lab.exec(role, 20, "sh", "-c", command);
        if (r.status() != 0) {
            throw new AssertionError(role + ": " + command + " failed: " + r);
        }
    }

    /** Every node's addresses and the VIP on the director's d0; the real servers' lo is left alone. */
    static void addAddresses(Exec lab) throws Exception {
        sh(lab, "client", "ip -6 addr add " + CLIENT + "/64 dev br0 nodad");
        sh(lab, "director", "ip -6 addr add " + DIRECTOR_OUTSIDE + "/64 dev d0 nodad && ip -6 addr add " + VIP
            + "/128 dev d0 nodad && ip -6 addr add " + DIRECTOR_INSIDE + "/64 dev d1 nodad");
        for (String[] w : WEBS) {
            sh(lab, w[0], "ip -6 addr add " + w[1] + "/64 dev eth0 nodad && ip -6 addr add " + w[2]
                + "/64 dev eth1 nodad");
        }
    }

    /** The VIP on each real server's lo (what bin/lvs-realserver does for an IPv6 VIP). */
    static void vipOnRealServersLo(Exec lab) throws Exception {
        for (String[] w : WEBS) {
            sh(lab, w[0], "ip -6 addr add " + VIP + "/128 dev lo nodad");
        }
    }

    /**
     * Starts {@code python3 script VIP port "ROLE label"} in each real server in the background and waits
     * until it answers on the VIP (logs next to the script).
     */
    static void startServers(Exec lab, Path script, int port, String label) throws Exception {
        for (String[] w : WEBS) {
            Path log = Path.of(script + "." + w[0] + ".log");
            sh(lab, w[0], "nohup /usr/bin/python3 " + script + " " + VIP + " " + port + " '" + w[0] + " " + label
                + "' >" + log + " 2>&1 </dev/null & for i in $(seq 1 50); do curl -g -s -m 1 -o /dev/null http://["
                + VIP + "]:" + port + "/ && exit 0; sleep 0.1; done; cat " + log + "; exit 1");
        }
    }
}
