package lvs.cli.render;

import java.util.List;
import lvs.model.SyncDaemonSpec;

/** {@code -L --daemon}, in the extended form netlink kernels (4.3+) report. */
final class DaemonListing {
    private DaemonListing() {
    }

    static String render(List<SyncDaemonSpec> daemons) {
        throw new UnsupportedOperationException("not yet written");
    }
}
