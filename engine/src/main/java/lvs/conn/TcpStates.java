package lvs.conn;

/**
 * The kernel's TCP state machine for IPVS connections ({@code ip_vs_proto_tcp.c}) as data: state
 * numbers and names, default timeouts, and the two transition tables ({@code tcp_states} and the
 * SYN-flood resistant {@code tcp_states_dos} used when {@code secure_tcp} is 2 or 3).
 *
 * <p>The tables are written below in the same layout as the kernel and the reference (rows: direction
 * and event; columns: current state) so they can be checked by eye, and are compiled once into a flat
 * {@code byte[]} indexed by {@code (direction * 4 + event) * STATE_COUNT + state}.
 */
public final class TcpStates {
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    /** IP_VS_TCP_S_LAST: never a real state; printed as "BUG!". */
    public static final int LAST = 11;
    /** Real states (NONE..SYNACK): the table's column count. */
    public static final int STATE_COUNT = 11;

    /** Row within a direction: the kernel's tcp_state_idx() result. */
    static final int EVENT_SYN = 0;
    static final int EVENT_FIN = 1;
    static final int EVENT_ACK = 2;
    static final int EVENT_RST = 3;
    /** A segment with none of RST/SYN/FIN/ACK: goes straight to CLOSE. */
    static final int EVENT_NONE = -1;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK", "BUG!"};

    /** Default timeouts in seconds, indexed by state (tcp_timeouts[]). */
    private static final int[] DEFAULT_TIMEOUT_SECONDS = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120, 2};

    private static final String[] ACTIVE = {"ESTABLISHED", "SYN_SENT", "SYN_RECV", "SYNACK"};

    //                       NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA
    private static final String NORMAL =
          /* INPUT      syn */ "SR  ES  ES  SR  SR  SR  SR  SR  SR  SR  SR "
        + /*            fin */ "CL  CW  SS  TW  TW  TW  CL  CW  LA  LI  TW "
        + /*            ack */ "ES  ES  SS  ES  FW  TW  CL  CW  CL  LI  ES "
        + /*            rst */ "CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  SR "
        + /* OUTPUT     syn */ "SS  ES  SS  SR  SS  SS  SS  SS  SS  LI  SR "
        + /*            fin */ "TW  FW  SS  TW  FW  TW  CL  TW  LA  LI  TW "
        + /*            ack */ "ES  ES  SS  ES  FW  TW  CL  CW  LA  ES  ES "
        + /*            rst */ "CL  CL  SS  CL  CL  TW  CL  CL  CL  CL  CL "
        + /* INPUT-ONLY syn */ "SR  ES  ES  SR  SR  SR  SR  SR  SR  SR  SR "
        + /*            fin */ "CL  FW  SS  TW  FW  TW  CL  CW  LA  LI  TW "
        + /*            ack */ "ES  ES  SS  ES  FW  TW  CL  CW  CL  LI  ES "
        + /*            rst */ "CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  CL ";

    //                       NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA
    private static final String SECURE =
          /* INPUT      syn */ "SR  ES  ES  SR  SR  SR  SR  SR  SR  SR  SA "
        + /*            fin */ "CL  CW  SS  TW  TW  TW  CL  CW  LA  LI  SA "
        + /*            ack */ "ES  ES  SS  SR  FW  TW  CL  CW  CL  LI  SA "
        + /*            rst */ "CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  CL "
        + /* OUTPUT     syn */ "SS  ES  SS  SA  SS  SS  SS  SS  SS  LI  SA "
        + /*            fin */ "TW  FW  SS  TW  FW  TW  CL  TW  LA  LI  TW "
        + /*            ack */ "ES  ES  SS  ES  FW  TW  CL  CW  LA  ES  ES "
        + /*            rst */ "CL  CL  SS  CL  CL  TW  CL  CL  CL  CL  CL "
        + /* INPUT-ONLY syn */ "SA  ES  ES  SR  SA  SA  SA  SA  SA  SA  SA "
        + /*            fin */ "CL  FW  SS  TW  FW  TW  CL  CW  LA  LI  TW "
        + /*            ack */ "ES  ES  SS  ES  FW  TW  CL  CW  CL  LI  ES "
        + /*            rst */ "CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  CL ";

    private static final byte[] NORMAL_TABLE = compile(NORMAL);
    private static final byte[] SECURE_TABLE = compile(SECURE);
    private static final boolean[] IS_ACTIVE = activeStates();

    private TcpStates() {
    }

    /**
     * The next state for a segment with {@code tcpFlags} in {@code direction} (INPUT, OUTPUT or
     * INPUT_ONLY; the caller has already turned INPUT into INPUT_ONLY for NOOUTPUT connections).
     */
    public static int next(boolean secure, int direction, int tcpFlags, int state) {
        int event = event(tcpFlags);
        if (event == EVENT_NONE) {
            return CLOSE;
        }
        byte[] table = secure ? SECURE_TABLE : NORMAL_TABLE;
        return table[(direction * 4 + event) * STATE_COUNT + state];
    }

    /** The kernel's row choice by priority: RST, then SYN, then FIN, then ACK; none of them is -1. */
    static int event(int tcpFlags) {
        if ((tcpFlags & TcpFlags.RST) != 0) {
            return EVENT_RST;
        }
        if ((tcpFlags & TcpFlags.SYN) != 0) {
            return EVENT_SYN;
        }
        if ((tcpFlags & TcpFlags.FIN) != 0) {
            return EVENT_FIN;
        }
        if ((tcpFlags & TcpFlags.ACK) != 0) {
            return EVENT_ACK;
        }
        return EVENT_NONE;
    }

    /** Whether a connection in {@code state} counts in ActiveConn rather than InActConn. */
    public static boolean isActive(int state) {
        return state >= 0 && state < IS_ACTIVE.length && IS_ACTIVE[state];
    }

    /** The name {@code /proc/net/ip_vs_conn} prints; "BUG!" for LAST and anything out of range. */
    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "BUG!";
    }

    /** Default timeout of {@code state} in seconds. */
    public static int defaultTimeoutSeconds(int state) {
        return DEFAULT_TIMEOUT_SECONDS[state];
    }

    private static byte[] compile(String text) {
        String[] cells = text.trim().split("\\s+");
        if (cells.length != 12 * STATE_COUNT) {
            throw new IllegalStateException("TCP state table needs 12 rows of " + STATE_COUNT + " cells");
        }
        byte[] table = new byte[cells.length];
        for (int i = 0; i < cells.length; i++) {
            table[i] = (byte) stateOfAbbreviation(cells[i]);
        }
        return table;
    }

    private static int stateOfAbbreviation(String abbreviation) {
        switch (abbreviation) {
            case "NO": return NONE;
            case "ES": return ESTABLISHED;
            case "SS": return SYN_SENT;
            case "SR": return SYN_RECV;
            case "FW": return FIN_WAIT;
            case "TW": return TIME_WAIT;
            case "CL": return CLOSE;
            case "CW": return CLOSE_WAIT;
            case "LA": return LAST_ACK;
            case "LI": return LISTEN;
            case "SA": return SYNACK;
            default: throw new IllegalStateException("unknown TCP state " + abbreviation);
        }
    }

    private static boolean[] activeStates() {
        boolean[] active = new boolean[NAMES.length];
        for (String name : ACTIVE) {
            for (int s = 0; s < NAMES.length; s++) {
                if (NAMES[s].equals(name)) {
                    active[s] = true;
                }
            }
        }
        return active;
    }
}
