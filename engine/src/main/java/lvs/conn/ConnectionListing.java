package lvs.conn;

import java.util.ArrayList;
import java.util.List;
import lvs.model.InetAddress;
import lvs.table.ConnectionView;

/**
 * {@code /proc/net/ip_vs_conn} as {@link ConnectionView} records, for {@code ipvsadm -Lc}.
 *
 * <p>Reads the table without synchronisation, so it must run on the thread that owns the table (for
 * example as a data-plane command whose result is handed back to the control thread). It allocates,
 * which is fine for a listing but means it must not run per packet.
 */
public final class ConnectionListing {
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_SCTP = 132;
    private static final int IPPROTO_ICMPV6 = 58;

    private ConnectionListing() {
    }

    /** Every live entry, templates included, in slot order. */
    public static List<ConnectionView> list(ConnectionTable table, long nowMs) {
        List<ConnectionView> views = new ArrayList<>(table.size());
        for (int e = 0, end = table.highWater(); e < end; e++) {
            if (table.isInUse(e)) {
                views.add(view(table, e, nowMs));
            }
        }
        return views;
    }

    public static ConnectionView view(ConnectionTable table, int e, long nowMs) {
        int af = table.af(e);
        // ip_vs_conn_seq_show: " <pe name> <pe data>" for entries that carry PE data (SIP templates).
        TemplatePeData pe = table.peData();
        boolean withPe = pe != null && pe.has(e);
        return new ConnectionView(protocolName(table.protocol(e)),
            address(af, table.clientAddressHi(e), table.clientAddressLo(e)), table.clientPort(e),
            address(af, table.virtualAddressHi(e), table.virtualAddressLo(e)), table.virtualPort(e),
            address(table.destinationAf(e), table.destinationAddressHi(e), table.destinationAddressLo(e)),
            table.destinationPort(e), stateName(table, e), expiresSeconds(table.expiresAtMs(e), nowMs),
            withPe ? TemplatePeData.engineName(pe.engine(e)) : "", withPe ? pe.text(e) : "");
    }

    /**
     * Seconds to expiry as the kernel prints them: {@code (timer.expires - jiffies) / HZ}, an integer
     * division that truncates (59.999 s prints 59). A timer already due prints 0.
     */
    public static long expiresSeconds(long expiresAtMs, long nowMs) {
        return Math.max(0, expiresAtMs - nowMs) / 1000;
    }

    /** ip_vs_proto_name(): TCP, UDP, SCTP, ICMP, ICMPv6, IP, or IP_&lt;n&gt;. */
    public static String protocolName(int protocol) {
        switch (protocol) {
            case IPPROTO_IP: return "IP";
            case ConnectionTracker.IPPROTO_TCP: return "TCP";
            case ConnectionTracker.IPPROTO_UDP: return "UDP";
            case IPPROTO_SCTP: return "SCTP";
            case IPPROTO_ICMP: return "ICMP";
            case IPPROTO_ICMPV6: return "ICMPv6";
            default: return "IP_" + protocol;
        }
    }

    /** ip_vs_state_name(): template states, else the protocol's names; NONE for IP, ERR! if unknown. */
    public static String stateName(ConnectionTable table, int e) {
        int state = table.state(e);
        if (table.isTemplate(e)) {
            return TemplateStates.name(state);
        }
        switch (table.protocol(e)) {
            case ConnectionTracker.IPPROTO_TCP: return TcpStates.name(state);
            case ConnectionTracker.IPPROTO_UDP: return UdpStates.name(state);
            case IPPROTO_IP: return "NONE";
            case IPPROTO_SCTP: return state == 0 ? "NONE" : "ERR!"; // SCTP states are not modelled yet
            default: return "ERR!";
        }
    }

    /** An address from the table's two-long form. */
    public static InetAddress address(int af, long hi, long lo) {
        if (af != ConnectionTable.AF_INET6) {
            return InetAddress.ofIpv4((int) lo);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return InetAddress.of(bytes);
    }
}
