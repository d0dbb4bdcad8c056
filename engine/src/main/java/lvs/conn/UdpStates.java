package lvs.conn;

/**
 * UDP has one state, NORMAL, printed as "UDP" ({@code ip_vs_proto_udp.c}). Every packet in either
 * direction reloads its timeout; UDP connections never become active.
 */
public final class UdpStates {
    public static final int NORMAL = 0;
    /** IP_VS_UDP_S_LAST, printed as "BUG!". */
    public static final int LAST = 1;
    public static final int DEFAULT_NORMAL_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_LAST_TIMEOUT_SECONDS = 2;

    private UdpStates() {
    }

    public static String name(int state) {
        return state == NORMAL ? "UDP" : "BUG!";
    }
}
