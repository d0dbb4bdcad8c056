package lvs.table;

import java.util.List;

/**
 * Where the numbers in a listing come from: counters, rates and connection counts per service or
 * real server, keyed by the id the table gave that object. The control plane owns only the rules;
 * a data plane implements this and the table asks it when it builds a view, and forwards {@code -Z}
 * to it. Ids are never reused, and {@code -e} keeps a real server's id (so its counters survive).
 */
public interface StatsSource {
    /** Every number 0 and no connections: a table with no data plane, like the oracle. */
    StatsSource ZEROS = new StatsSource() {
    };

    default Counters counters(long objectId) {
        return Counters.ZERO;
    }

    default Rates rates(long objectId) {
        return Rates.ZERO;
    }

    /** Active, inactive and persistent (template) connections bound to a real server. */
    default ConnectionCounts connectionCounts(long realServerId) {
        return ConnectionCounts.ZERO;
    }

    /** {@code -Z} for one object: counters and rates restart from 0; connection counts stay. */
    default void zero(long objectId) {
    }

    /** {@code -Z} with no service: every object and the global totals. */
    default void zeroAll() {
    }

    /** The connection table as {@code /proc/net/ip_vs_conn} lists it. */
    default List<ConnectionView> connections() {
        return List.of();
    }

    /** The three per-real-server connection counts ipvsadm shows. */
    record ConnectionCounts(int active, int inactive, int persistent) {
        public static final ConnectionCounts ZERO = new ConnectionCounts(0, 0, 0);
    }
}
