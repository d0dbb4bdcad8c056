package lvs.dataplane;

import java.util.List;
import lvs.model.Timeouts;
import lvs.table.ServiceEntry;
import lvs.table.VirtualServerTable;

/**
 * The virtual server table as the data plane's rule source: lvsd, and the tests that drive a data plane
 * from a real table. {@link #onChange} wakes the snapshot thread on each change.
 */
public final class TableRules implements DataPlane.Rules {
    private final VirtualServerTable table;

    public TableRules(VirtualServerTable table) {
        this.table = table;
    }

    @Override
    public List<ServiceEntry> entries() {
        return table.entriesInDumpOrder();
    }

    @Override
    public Timeouts timeouts() {
        return table.timeouts();
    }

    @Override
    public long generation() {
        return table.generation();
    }

    @Override
    public boolean onChange(Runnable wake) {
        table.onChange(wake);
        return true;
    }
}
