package lvs.cli.dataplane;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import lvs.dataplane.DataPlane;
import lvs.io.kernel.FwmarkQueueRules;
import lvs.packet.FlowKey;
import lvs.snapshot.TableSnapshot;

/**
 * Keeps the kernel queueing exactly the marks of the table's {@code -f} services to lvsd
 * (docs/fwmark.md): IPv4 services' marks through iptables, {@code -f N -6} services' through ip6tables.
 * Runs before a snapshot is published, so that when ipvsadm returns from {@code -A -f N} the kernel
 * already hands marked packets over. No {@code -f} service of a family: no rule for that family at all.
 */
final class FwmarkQueueUpdater implements DataPlane.SnapshotListener, AutoCloseable {
    private final FwmarkQueueRules rules;
    private final FwmarkQueueRules rules6;

    FwmarkQueueUpdater(FwmarkQueueRules rules, FwmarkQueueRules rules6) {
        this.rules = rules;
        this.rules6 = rules6;
    }

    @Override
    public void beforePublish(TableSnapshot snapshot) {
        Set<Integer> marks = new HashSet<>();
        Set<Integer> marks6 = new HashSet<>();
        for (int s = 0; s < snapshot.serviceCount; s++) {
            if (snapshot.serviceFwmark[s] != 0) {
                (snapshot.serviceFamily[s] == FlowKey.FAMILY_INET6 ? marks6 : marks).add(snapshot.serviceFwmark[s]);
            }
        }
        update(rules, marks, "iptables-legacy");
        update(rules6, marks6, "ip6tables-legacy");
    }

    private static void update(FwmarkQueueRules rules, Set<Integer> marks, String tool) {
        try {
            rules.update(marks);
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: firewall-mark services need " + tool + " (NFQUEUE): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        rules.close();
        rules6.close();
    }
}
