package lvs.cli.render;

import java.util.List;
import lvs.model.SyncDaemonSpec;

/**
 * {@code -L --daemon}, in the extended form netlink kernels (4.3+) report. A part after the sync id
 * is printed only when its value is non-zero, as ipvsadm does.
 */
final class DaemonListing {
    private DaemonListing() {
    }

    static String render(List<SyncDaemonSpec> daemons) {
        StringBuilder out = new StringBuilder();
        for (SyncDaemonSpec d : daemons) {
            out.append(d.state().optionName()).append(" sync daemon (mcast=").append(d.interfaceName())
                .append(", syncid=").append(d.syncId());
            if (d.maxLength() != 0) {
                out.append(", maxlen=").append(d.maxLength());
            }
            out.append(", group=").append(d.group());
            if (d.port() != 0) {
                out.append(", port=").append(d.port());
            }
            if (d.ttl() != 0) {
                out.append(", ttl=").append(d.ttl());
            }
            out.append(")\n");
        }
        return out.toString();
    }
}
