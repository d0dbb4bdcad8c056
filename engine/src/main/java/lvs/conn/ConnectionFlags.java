package lvs.conn;

/**
 * Connection flag bits. The low 16 bits are the kernel's uapi {@code IP_VS_CONN_F_*} values, so the
 * sync daemon can send them unchanged; bits above 16 are private to this implementation.
 */
public final class ConnectionFlags {
    /** Mask of the forwarding method: one of the five values below. */
    public static final int FWD_MASK = 0x0007;
    public static final int MASQ = 0x0000;
    public static final int LOCALNODE = 0x0001;
    public static final int TUNNEL = 0x0002;
    public static final int DROUTE = 0x0003;
    public static final int BYPASS = 0x0004;
    /** Created by the sync daemon. */
    public static final int SYNC = 0x0020;
    /** Replies are not expected to pass the director: selects the INPUT-ONLY state rows. */
    public static final int NOOUTPUT = 0x0080;
    /** Counted in the destination's {@code inactconns}, not {@code activeconns}. */
    public static final int INACTIVE = 0x0100;
    /** Persistence template, counted in {@code persistconns}. */
    public static final int TEMPLATE = 0x1000;
    /** One-packet scheduling: never hashed, expires as soon as its packet is sent. */
    public static final int ONE_PACKET = 0x2000;
    /** Keep netfilter conntrack; meaningless here but kept so flags round-trip. */
    public static final int NFCT = 1 << 16;

    /** Private: the slot holds a live entry. */
    static final int IN_USE = 1 << 30;

    private ConnectionFlags() {
    }

    /** True for methods whose replies come back through the director (NAT and local node). */
    public static boolean repliesPassDirector(int flags) {
        int method = flags & FWD_MASK;
        return method == MASQ || method == LOCALNODE;
    }
}
