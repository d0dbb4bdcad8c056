package lvs.dataplane;

import java.util.ArrayList;
import java.util.List;
import lvs.conn.ConnectionTable;
import lvs.conn.TcpStates;
import lvs.conn.TemplateStates;
import lvs.conn.UdpStates;
import lvs.model.InetAddress;
import lvs.table.ConnectionView;

/**
 * Builds the {@code ipvsadm -Lc} records from the connection table (IPv4 entries). Runs on the
 * data-plane thread between batches when the control plane asks; it allocates, but only on request.
 */
final class ConnectionLister {
    private final ConnectionTable table;

    ConnectionLister(ConnectionTable table) {
        this.table = table;
    }

    List<ConnectionView> list(long nowMs) {
        List<ConnectionView> out = new ArrayList<>();
        for (int e = 0; e < table.highWater(); e++) {
            if (!table.isInUse(e) || table.af(e) != ConnectionTable.AF_INET) {
                continue;
            }
            int protocol = table.protocol(e);
            String state;
            String protocolName;
            if (table.isTemplate(e)) {
                protocolName = protocol == 17 ? "UDP" : protocol == 6 ? "TCP" : "IP";
                state = TemplateStates.name(table.state(e));
            } else if (protocol == 6) {
                protocolName = "TCP";
                state = TcpStates.name(table.state(e));
            } else {
                protocolName = "UDP";
                state = UdpStates.name(table.state(e));
            }
            long expires = Math.max(0, table.expiresAtMs(e) - nowMs) / 1000;
            out.add(new ConnectionView(protocolName,
                v4(table.clientAddressLo(e)), table.clientPort(e),
                v4(table.virtualAddressLo(e)), table.virtualPort(e),
                v4(table.destinationAddressLo(e)), table.destinationPort(e),
                state, expires, "", ""));
        }
        return out;
    }

    private static InetAddress v4(long lo) {
        return InetAddress.ofIpv4((int) lo);
    }
}
