package lvs.cli.render;

import java.util.List;
import lvs.table.ConnectionView;

/** {@code -L -c}: what ipvsadm makes of {@code /proc/net/ip_vs_conn}. */
final class ConnectionListing {
    private final NameResolver names;
    private final ListFormat format;

    ConnectionListing(NameResolver names, ListFormat format) {
        this.names = names;
        this.format = format;
    }

    String render(List<ConnectionView> connections) {
        throw new UnsupportedOperationException("not yet written");
    }
}
