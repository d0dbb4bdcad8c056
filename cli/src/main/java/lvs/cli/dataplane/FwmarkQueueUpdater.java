package lvs.cli.dataplane;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import lvs.dataplane.DataPlane;
import lvs.io.kernel.FwmarkQueueRules;
import lvs.snapshot.TableSnapshot;

/**
 * Keeps the kernel queueing exactly the marks of the table's {@code -f} services to lvsd
 * (docs/fwmark.md). Runs before a snapshot is published, so that when ipvsadm returns from
 * {@code -A -f N} the kernel already hands marked packets over. No {@code -f} service: no rule at all.
 */
final class FwmarkQueueUpdater implements DataPlane.SnapshotListener, AutoCloseable {
    private final FwmarkQueueRules rules;

    FwmarkQueueUpdater(FwmarkQueueRules rules) {
        this.rules = rules;
    }

    @Override
    public void beforePublish(TableSnapshot snapshot) {
        Set<Integer> marks = new HashSet<>();
        for (int s = 0; s < snapshot.serviceCount; s++) {
            if (snapshot.serviceFwmark[s] != 0) {
                marks.add(snapshot.serviceFwmark[s]);
            }
        }
        try {
            rules.update(marks);
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: firewall-mark services need iptables-legacy (NFQUEUE): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        rules.close();
    }
}
