package lvs.cli.dataplane;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lvs.dataplane.DataPlane;
import lvs.io.kernel.GuardTarget;
import lvs.io.kernel.KernelGuard;
import lvs.model.InetAddress;
import lvs.packet.FlowKey;
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

    /** New services are guarded (added to what is guarded) before lvsd forwards them. */
    @Override
    public void beforePublish(TableSnapshot snapshot) {
        if (!guard.isInstalled()) {
            return;
        }
        try {
            guard.add(services(snapshot));
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: kernel guard update failed: " + e.getMessage());
        }
    }

    /** Then the guard becomes exactly the snapshot's: reply rules added, deleted services and replies dropped. */
    @Override
    public void afterPublish(TableSnapshot snapshot) {
        if (!guard.isInstalled()) {
            return;
        }
        Set<GuardTarget> all = services(snapshot);
        all.addAll(replies(snapshot));
        try {
            guard.update(all); // only what changed goes to nft; nothing when nothing did
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: kernel guard update failed: " + e.getMessage());
        }
    }

    private static Set<GuardTarget> services(TableSnapshot s) {
        Set<GuardTarget> t = new HashSet<>();
        for (int i = 0; i < s.serviceCount; i++) {
            if (s.serviceFwmark[i] != 0) {
                continue; // its packets must reach PREROUTING to be marked; NFQUEUE takes them (docs/fwmark.md)
            }
            t.add(GuardTarget.toService(s.serviceProtocol[i],
                address(s.serviceFamily[i], s.serviceAddressHi[i], s.serviceAddressLo[i]), s.servicePort[i]));
        }
        return t;
    }

    private static Set<GuardTarget> replies(TableSnapshot s) {
        Set<GuardTarget> t = new HashSet<>();
        for (int d = 0; d < s.destinationTotal; d++) {
            if (s.destinationMethod[d] == 0) { // Masq: its replies come back through the director
                int service = s.destinationService[d];
                InetAddress rip = address(s.serviceFamily[service], s.destinationAddressHi[d], s.destinationAddressLo[d]);
                if (s.serviceFwmark[service] != 0) { // a mark covers any protocol and port
                    t.add(GuardTarget.fromRealServer(6, rip, s.destinationPort[d]));
                    t.add(GuardTarget.fromRealServer(17, rip, s.destinationPort[d]));
                } else {
                    t.add(GuardTarget.fromRealServer(s.serviceProtocol[service], rip, s.destinationPort[d]));
                }
            }
        }
        return t;
    }

    /** A snapshot address (hi, lo; IPv4 in the low 32 bits) as the guard's address type. */
    private static InetAddress address(int family, long hi, long lo) {
        if (family != FlowKey.FAMILY_INET6) {
            return InetAddress.ofIpv4((int) lo);
        }
        return InetAddress.of(java.nio.ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
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

    /** What the kernel guard drops now (empty when it is not installed); {@code --io xdp} steers exactly this. */
    Set<GuardTarget> guarded() {
        return guard.isInstalled() ? guard.targets() : Set.of();
    }

    @Override
    public void close() {
        guard.close();
    }
}
