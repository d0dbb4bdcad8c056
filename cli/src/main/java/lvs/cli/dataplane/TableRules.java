package lvs.cli.dataplane;

import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.model.Timeouts;
import lvs.table.ServiceEntry;
import lvs.table.VirtualServerTable;

/** The table as the data plane's rule source. */
final class TableRules implements DataPlane.Rules {
    private final VirtualServerTable table;

    TableRules(VirtualServerTable table) {
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
