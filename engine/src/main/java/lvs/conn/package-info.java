/**
 * Connection tracking for the data plane: the kernel's {@code ip_vs_conn} table, its protocol state
 * machines and its expiry, rebuilt over primitive arrays so that millions of entries cost no objects
 * and no garbage.
 *
 * <p>Everything here is owned by exactly one data-plane thread. The only cross-thread readers are the
 * per-destination counters ({@link lvs.conn.DestinationCounters}), which use ordered writes.
 *
 * <ul>
 *   <li>{@link lvs.conn.ConnectionTable}: entries in one {@code long[]} (a struct per 13 longs), two
 *       open-addressing indexes (client tuple in, real-server tuple out), no allocation per call (the
 *       entry array doubles up to the limit as connections need entries: a few copies in its life).</li>
 *   <li>{@link lvs.conn.TcpStates} / {@link lvs.conn.UdpStates}: the kernel's state tables as data.</li>
 *   <li>{@link lvs.conn.ConnectionTracker}: what a packet does to an entry (state, timeout, counters,
 *       templates) and the expiry sweep.</li>
 *   <li>{@link lvs.conn.ExpiryWheel}: an intrusive hashed timer wheel with lazy re-arming.</li>
 *   <li>{@link lvs.conn.ConnectionListing}: {@code ipvsadm -Lc} records.</li>
 * </ul>
 */
package lvs.conn;
