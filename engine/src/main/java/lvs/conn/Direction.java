package lvs.conn;

/** Which way a packet travels, as the state machine needs it (the kernel's IP_VS_DIR_*). */
public final class Direction {
    /** Client to director: a request. */
    public static final int INPUT = 0;
    /** A reply seen by the director (NAT or local node only). */
    public static final int OUTPUT = 1;
    /**
     * Chosen automatically instead of INPUT while a connection has {@link ConnectionFlags#NOOUTPUT}
     * (DR and TUN); callers pass INPUT or OUTPUT.
     */
    public static final int INPUT_ONLY = 2;

    private Direction() {
    }
}
