package lvs.cli.daemon;

import java.util.List;
import lvs.table.VirtualServerTable;

/**
 * Where packet forwarding plugs into lvsd. lvsd starts it after the rules are restored and closes it
 * last on shutdown; it follows the table on its own (snapshots, generation). The packet I/O work
 * provides the real implementation; until then lvsd runs the control plane only.
 */
public interface DataPlane extends AutoCloseable {
    /** @param interfaces the {@code --interface} options, in order (empty: the implementation's default) */
    void start(VirtualServerTable table, List<String> interfaces) throws Exception;

    @Override
    void close();

    /** No forwarding: the control plane alone (what ipvsadm compatibility needs). */
    static DataPlane none() {
        return new DataPlane() {
            @Override
            public void start(VirtualServerTable table, List<String> interfaces) {
                if (!interfaces.isEmpty()) {
                    Log.info("no packet data plane in this build; --interface " + interfaces + " ignored");
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
