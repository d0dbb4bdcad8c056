package lvs.cli.daemon;

import java.util.List;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;

/**
 * The seam where packet forwarding plugs into lvsd (wrapping {@code lvs.dataplane.DataPlane} and a
 * PacketIo backend). lvsd asks it for the counters source before it builds the table, starts it
 * after the rules are restored, and closes it last on shutdown. Until the packet work is wired in,
 * {@link #none()} runs the control plane alone, which is all ipvsadm compatibility needs.
 */
public interface PacketEngine extends AutoCloseable {
    /** Where the table's counters, rates and connection listing come from. */
    StatsSource stats();

    /** @param interfaces the {@code --interface} options, in order (empty: the implementation's default) */
    void start(VirtualServerTable table, List<String> interfaces) throws Exception;

    /** Starts with everything lvsd's command line says about forwarding (interfaces, receive path...). */
    default void start(VirtualServerTable table, LvsdOptions options) throws Exception {
        start(table, options.interfaces());
    }

    /**
     * Blocks until forwarding uses the rules of table generation {@code generation} or later, at most
     * {@code timeoutMs}: ipvsadm's reply then promises what the kernel's does, that the change is live.
     * Returns at once when nothing forwards.
     */
    default void awaitApplied(long generation, long timeoutMs) {
    }

    @Override
    void close();

    /** No forwarding: counters stay 0, no connections. */
    static PacketEngine none() {
        return new PacketEngine() {
            @Override
            public StatsSource stats() {
                return StatsSource.ZEROS;
            }

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
