package lvs.cli.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lvs.model.InetAddress;
import lvs.snapshot.TableSnapshot;

/**
 * Keeps the director's kernel out of what lvsd forwards: an nftables {@code netdev} table with an
 * ingress chain per attached interface that drops, after AF_PACKET has seen them, the packets to each
 * virtual service (so the kernel neither answers a VIP configured on the host nor forwards it) and
 * the NAT real servers' replies (so ip_forward=1 cannot leak them un-translated). Replaced atomically
 * on every snapshot; deleted on close. A guard that cannot be installed is reported, not fatal.
 */
final class KernelGuardUpdater implements AutoCloseable, lvs.dataplane.DataPlane.SnapshotListener {
    private static final String TABLE = "lvsd";
    private final List<String> interfaces;
    private String installed = "";
    private String installedServiceRules = "";

    private KernelGuardUpdater(List<String> interfaces) {
        this.interfaces = List.copyOf(interfaces);
    }

    static KernelGuardUpdater open(List<String> interfaces) {
        KernelGuardUpdater g = new KernelGuardUpdater(interfaces);
        g.apply(null);
        return g;
    }

    /**
     * A new or changed service must be guarded before lvsd forwards it (else the kernel answers it
     * too); other changes (real servers' reply rules) follow, so that running nft does not delay them.
     */
    @Override
    public void beforePublish(TableSnapshot snapshot) {
        if (!serviceRules(snapshot).equals(installedServiceRules)) {
            apply(snapshot);
        }
    }

    @Override
    public void afterPublish(TableSnapshot snapshot) {
        if (!ruleset(snapshot).equals(installed)) {
            apply(snapshot);
        }
    }

    private void apply(TableSnapshot snapshot) {
        if (run(ruleset(snapshot))) {
            installed = ruleset(snapshot);
            installedServiceRules = serviceRules(snapshot);
        }
    }

    private static String serviceRules(TableSnapshot s) {
        StringBuilder drops = new StringBuilder();
        for (int i = 0; s != null && i < s.serviceCount; i++) {
            String proto = l4(s.serviceProtocol[i]);
            drops.append("    ip daddr ").append(InetAddress.ofIpv4(s.serviceAddress[i]))
                .append(s.servicePort[i] == 0 ? " meta l4proto " + proto : " " + proto + " dport " + s.servicePort[i])
                .append(" drop\n");
        }
        return drops.toString();
    }

    String ruleset(TableSnapshot s) {
        StringBuilder drops = new StringBuilder(serviceRules(s));
        if (s != null) {
            for (int d = 0; d < s.destinationTotal; d++) {
                if (s.destinationMethod[d] == 0) { // Masq: replies come back through us
                    int svc = s.destinationService[d];
                    drops.append("    ip saddr ").append(InetAddress.ofIpv4(s.destinationAddress[d])).append(' ')
                        .append(l4(s.serviceProtocol[svc])).append(" sport ").append(s.destinationPort[d])
                        .append(" drop\n");
                }
            }
        }
        StringBuilder nft = new StringBuilder();
        // add + delete + add in one transaction: replaces the table whether or not it existed.
        nft.append("table netdev ").append(TABLE).append(" {}\n");
        nft.append("delete table netdev ").append(TABLE).append('\n');
        nft.append("table netdev ").append(TABLE).append(" {\n");
        int n = 0;
        for (String dev : interfaces) {
            nft.append("  chain in").append(n++).append(" {\n");
            nft.append("    type filter hook ingress device \"").append(dev).append("\" priority 0; policy accept;\n");
            nft.append(drops);
            nft.append("  }\n");
        }
        nft.append("}\n");
        return nft.toString();
    }

    private static String l4(int protocol) {
        return protocol == 17 ? "udp" : protocol == 132 ? "sctp" : "tcp";
    }

    private static boolean run(String script) {
        try {
            Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                System.err.println("lvsd: nft did not finish; kernel guard not updated");
                return false;
            }
            if (p.exitValue() != 0) {
                System.err.println("lvsd: kernel guard (nft) failed: " + out.trim());
                return false;
            }
            return true;
        } catch (IOException e) {
            System.err.println("lvsd: cannot run nft (" + e.getMessage() + "); the kernel may answer forwarded traffic");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        run("table netdev " + TABLE + " {}\ndelete table netdev " + TABLE + "\n");
    }
}
