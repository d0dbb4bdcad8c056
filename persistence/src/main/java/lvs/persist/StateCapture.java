package lvs.persist;

import java.util.ArrayList;
import java.util.List;
import lvs.model.RealServerSpec;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import lvs.table.VirtualServerTable;

/**
 * Reads the rules out of the table in creation order (services oldest first, each with its real
 * servers oldest first), the order whose replay rebuilds the same hash-bucket and list orders.
 */
public final class StateCapture implements GroupCommitter.Source {
    private final VirtualServerTable table;

    public StateCapture(VirtualServerTable table) {
        this.table = table;
    }

    @Override
    public long generation() {
        return table.generation();
    }

    @Override
    public StateSnapshot capture() {
        List<ServiceEntry> entries = table.entriesInCreationOrder();
        List<StateSnapshot.SavedService> services = new ArrayList<>(entries.size());
        for (ServiceEntry e : entries) {
            List<RealServerSpec> reals = new ArrayList<>(e.realServers().size());
            for (RealServerEntry r : e.realServers()) {
                reals.add(r.spec());
            }
            services.add(new StateSnapshot.SavedService(e.spec(), reals));
        }
        return new StateSnapshot(services, table.timeouts(), table.daemons());
    }
}
