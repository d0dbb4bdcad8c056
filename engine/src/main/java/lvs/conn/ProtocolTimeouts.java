package lvs.conn;

import lvs.model.Timeouts;

/**
 * Per-state idle timeouts in milliseconds (the kernel's per-netns {@code timeout_table}s), and
 * {@code ipvsadm --set tcp tcpfin udp}, which changes exactly three cells: TCP ESTABLISHED, TCP
 * FIN_WAIT and UDP NORMAL. Connections pick a change up on their next packet, because every packet
 * reloads the timeout from here.
 *
 * <p>Read on the data-plane thread per packet. {@link #set} should run on that thread too (through a
 * data-plane command); if called from elsewhere, int writes cannot tear and the change is seen
 * eventually, which is all {@code --set} promises.
 */
public final class ProtocolTimeouts {
    /** A new entry lives this long before its first state transition (ip_vs_conn_new). */
    public static final int INITIAL_TIMEOUT_MS = 3_000;
    /** Re-arm step for an entry that still controls others when it expires. */
    public static final int CONTROLLER_RETRY_MS = 60_000;
    /** ipvsadm's upper limit for --set values: 31 days. */
    public static final int MAX_SET_SECONDS = 2_678_400;

    private final int[] tcpMs = new int[TcpStates.LAST + 1];
    private final int[] udpMs = new int[UdpStates.LAST + 1];

    public ProtocolTimeouts() {
        for (int s = 0; s <= TcpStates.LAST; s++) {
            tcpMs[s] = TcpStates.defaultTimeoutSeconds(s) * 1000;
        }
        udpMs[UdpStates.NORMAL] = UdpStates.DEFAULT_NORMAL_TIMEOUT_SECONDS * 1000;
        udpMs[UdpStates.LAST] = UdpStates.DEFAULT_LAST_TIMEOUT_SECONDS * 1000;
    }

    public int tcpMs(int state) {
        return tcpMs[state];
    }

    public int udpMs(int state) {
        return udpMs[state];
    }

    /** Applies {@code --set}: a zero field leaves its timeout unchanged, as in the kernel. */
    public void set(Timeouts timeouts) {
        checkRange(timeouts.tcpSeconds());
        checkRange(timeouts.tcpFinSeconds());
        checkRange(timeouts.udpSeconds());
        if (timeouts.tcpSeconds() != 0) {
            tcpMs[TcpStates.ESTABLISHED] = timeouts.tcpSeconds() * 1000;
        }
        if (timeouts.tcpFinSeconds() != 0) {
            tcpMs[TcpStates.FIN_WAIT] = timeouts.tcpFinSeconds() * 1000;
        }
        if (timeouts.udpSeconds() != 0) {
            udpMs[UdpStates.NORMAL] = timeouts.udpSeconds() * 1000;
        }
    }

    /** What {@code ipvsadm -L --timeout} shows. */
    public Timeouts current() {
        return new Timeouts(tcpMs[TcpStates.ESTABLISHED] / 1000, tcpMs[TcpStates.FIN_WAIT] / 1000,
            udpMs[UdpStates.NORMAL] / 1000);
    }

    private static void checkRange(int seconds) {
        if (seconds < 0 || seconds > MAX_SET_SECONDS) {
            throw new IllegalArgumentException("timeout out of range 0.." + MAX_SET_SECONDS + ": " + seconds);
        }
    }
}
