package lvs.cli.dataplane;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import lvs.dataplane.DataPlane;
import lvs.io.kernel.GuardTarget;
import lvs.io.kernel.KernelGuard;
import lvs.model.InetAddress;
import lvs.snapshot.TableSnapshot;

/**
 * Keeps the engine's {@link KernelGuard} in step with the table: the kernel must not handle traffic
 * to a virtual service (it would answer a VIP configured on the host with RSTs) nor NAT real servers'
 * replies (ip_forward=1 would pass them on un-translated). A new service is guarded before lvsd
 * forwards it; the rest (real servers' reply rules) follows, so that forking nft does not delay a
 * change. A guard that cannot be installed is reported, not fatal.
 */
final class KernelGuardUpdater implements AutoCloseable, DataPlane.SnapshotListener {
    private final KernelGuard guard = new KernelGuard();
    private Set<GuardTarget> installed = Set.of();

    private KernelGuardUpdater() {
    }

    static KernelGuardUpdater open(List<String> interfaces) {
        KernelGuardUpdater g = new KernelGuardUpdater();
        try {
            g.guard.install(interfaces);
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: kernel guard not installed (" + e.getMessage()
                + "); the kernel may answer or forward traffic lvsd handles");
        }
        return g;
    }

    @Override
    public void beforePublish(TableSnapshot snapshot) {
        Set<GuardTarget> services = services(snapshot);
        if (!installed.containsAll(services)) {
            Set<GuardTarget> next = new LinkedHashSet<>(installed);
            next.addAll(services);
            apply(next);
        }
    }

    @Override
    public void afterPublish(TableSnapshot snapshot) {
        Set<GuardTarget> all = services(snapshot);
        all.addAll(replies(snapshot));
        if (!all.equals(installed)) {
            apply(all);
        }
    }

    private static Set<GuardTarget> services(TableSnapshot s) {
        Set<GuardTarget> t = new LinkedHashSet<>();
        for (int i = 0; i < s.serviceCount; i++) {
            t.add(GuardTarget.toService(s.serviceProtocol[i], InetAddress.ofIpv4(s.serviceAddress[i]), s.servicePort[i]));
        }
        return t;
    }

    private static Set<GuardTarget> replies(TableSnapshot s) {
        Set<GuardTarget> t = new LinkedHashSet<>();
        for (int d = 0; d < s.destinationTotal; d++) {
            if (s.destinationMethod[d] == 0) { // Masq: its replies come back through the director
                t.add(GuardTarget.fromRealServer(s.serviceProtocol[s.destinationService[d]],
                    InetAddress.ofIpv4(s.destinationAddress[d]), s.destinationPort[d]));
            }
        }
        return t;
    }

    private void apply(Set<GuardTarget> targets) {
        if (!guard.isInstalled()) {
            return;
        }
        try {
            guard.update(targets);
            installed = Set.copyOf(targets);
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: kernel guard update failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        guard.close();
    }
}
