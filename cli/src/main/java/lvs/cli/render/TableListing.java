package lvs.cli.render;

import java.util.List;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.RealServerView;
import lvs.table.ServiceView;

/** {@code -L}: title lines, service lines and real-server lines in every column format. */
final class TableListing {
    /** ipvsadm cuts IPv4 names so the columns stay aligned; IPv6 names are never cut. */
    private static final int SERVICE_NAME_CHARS = 33;
    private static final int REAL_SERVER_NAME_CHARS = 28;

    private final ListFormat format;
    private final ListFormat.Columns columns;
    private final AddressPort addressPort;

    TableListing(NameResolver names, ListFormat format) {
        this.format = format;
        this.columns = format.columns();
        this.addressPort = new AddressPort(names, format.numeric());
    }

    static String versionLine(int versionCode, int size) {
        return "IP Virtual Server version " + (versionCode >> 16) + "." + ((versionCode >> 8) & 0xff) + "."
            + (versionCode & 0xff) + " (size=" + size + ")\n";
    }

    String titlesAndServices(List<ServiceView> services) {
        StringBuilder out = new StringBuilder(256);
        titles(out);
        for (ServiceView s : format.noSort() ? services : IpvsadmOrder.services(services)) {
            service(out, s);
        }
        return out.toString();
    }

    private void titles(StringBuilder out) {
        switch (columns) {
            case STATS -> counterTitles(out, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
            case RATE -> counterTitles(out, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
            case THRESHOLDS -> {
                Text.padRight(out, "Prot LocalAddress:Port", 33).append(' ');
                Text.padRight(out, "Uthreshold", 10).append(' ');
                Text.padRight(out, "Lthreshold", 10).append(' ');
                Text.padRight(out, "ActiveConn", 10).append(' ');
                Text.padRight(out, "InActConn", 10).append("\n  -> RemoteAddress:Port\n");
            }
            case PERSISTENT_CONN -> {
                Text.padRight(out, "Prot LocalAddress:Port", 33).append(' ');
                Text.padRight(out, "Weight", 9).append(' ');
                Text.padRight(out, "PersistConn", 11).append(' ');
                Text.padRight(out, "ActiveConn", 10).append(' ');
                Text.padRight(out, "InActConn", 10).append("\n  -> RemoteAddress:Port\n");
            }
            case TUN_INFO -> out.append("Prot LocalAddress:Port Scheduler Flags\n")
                .append("  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
            case DEFAULT -> out.append("Prot LocalAddress:Port Scheduler Flags\n")
                .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    private static void counterTitles(StringBuilder out, String... names) {
        Text.padRight(out, "Prot LocalAddress:Port", 33);
        for (String n : names) {
            out.append(' ');
            Text.padLeft(out, n, 8);
        }
        out.append("\n  -> RemoteAddress:Port\n");
    }

    private void service(StringBuilder out, ServiceView view) {
        ServiceSpec spec = view.spec();
        String name = serviceName(spec.key());
        switch (columns) {
            case STATS -> {
                Text.padRight(out, name, 33);
                counters(out, view.counters());
            }
            case RATE -> {
                Text.padRight(out, name, 33);
                Rates r = view.rates();
                for (long v : new long[] {r.connectionsPerSecond(), r.inPacketsPerSecond(), r.outPacketsPerSecond(),
                    r.inBytesPerSecond(), r.outBytesPerSecond()}) {
                    LargeNumber.append(out, v, format.exact());
                }
            }
            default -> serviceSettings(out.append(name), spec);
        }
        out.append('\n');
        Protocol portNames = spec.key().isFwmark() ? null : spec.key().protocol();
        List<RealServerView> servers = format.noSort() ? view.realServers() : IpvsadmOrder.realServers(view.realServers());
        for (RealServerView rs : servers) {
            realServer(out, rs, portNames);
        }
    }

    /** {@code TCP  10.0.0.1:80}, {@code FWM  7}, {@code FWM  7 IPv6}; the fwmark prints as ipvsadm 1.31's {@code %d}. */
    private String serviceName(ServiceKey key) {
        if (key.isFwmark()) {
            return "FWM  " + (int) key.fwmark() + (key.family() == AddressFamily.INET6 ? " IPv6" : "");
        }
        StringBuilder s = new StringBuilder(48);
        Text.padRight(s, key.protocol().listName(), 4).append(' ')
            .append(addressPort.format(key.address(), key.port(), key.protocol()));
        String name = s.toString();
        return key.family() == AddressFamily.INET6 ? name : Text.cut(name, SERVICE_NAME_CHARS);
    }

    /** {@code " rr (flag-1) persistent 360 mask 255.255.255.0 pe sip ops"}. */
    private static void serviceSettings(StringBuilder out, ServiceSpec spec) {
        out.append(' ').append(spec.scheduler());
        String flags = SchedulerFlags.text(spec);
        if (flags != null) {
            out.append(" (").append(flags).append(')');
        }
        if (spec.isPersistent()) {
            out.append(" persistent ").append(Text.unsigned32(spec.timeoutSeconds()));
            String mask = PersistenceMask.text(spec);
            if (mask != null) {
                out.append(" mask ").append(mask);
            }
            if (!spec.persistenceEngine().isEmpty()) {
                out.append(" pe ").append(spec.persistenceEngine());
            }
        }
        if (spec.isOnePacket()) {
            out.append(" ops");
        }
    }

    private void realServer(StringBuilder out, RealServerView rs, Protocol portNames) {
        RealServerSpec spec = rs.spec();
        String name = addressPort.format(spec.address(), spec.port(), portNames);
        if (!spec.address().isIpv6()) {
            name = Text.cut(name, REAL_SERVER_NAME_CHARS);
        }
        out.append("  -> ");
        Text.padRight(out, name, 28);
        switch (columns) {
            case STATS -> counters(out, RealServerCounters.counters(rs.counters()));
            case RATE -> {
                Rates r = RealServerCounters.rates(rs.rates());
                out.append(' ');
                Text.padLeft(out, Long.toUnsignedString(r.connectionsPerSecond()), 8).append(' ');
                Text.padLeft(out, Long.toUnsignedString(r.inPacketsPerSecond()), 8).append(' ');
                Text.padLeft(out, Long.toUnsignedString(r.outPacketsPerSecond()), 8);
                LargeNumber.append(out, r.inBytesPerSecond(), format.exact());
                LargeNumber.append(out, r.outBytesPerSecond(), format.exact());
            }
            case THRESHOLDS -> {
                out.append(' ');
                column(out, Text.unsigned32(spec.upperThreshold()), 10);
                column(out, Text.unsigned32(spec.lowerThreshold()), 10);
                column(out, Text.unsigned32(rs.activeConnections()), 10);
                Text.padRight(out, Text.unsigned32(rs.inactiveConnections()), 10);
            }
            case PERSISTENT_CONN -> {
                out.append(' ');
                column(out, Text.unsigned32(spec.weight()), 9);
                column(out, Text.unsigned32(rs.persistentConnections()), 11);
                column(out, Text.unsigned32(rs.activeConnections()), 10);
                Text.padRight(out, Text.unsigned32(rs.inactiveConnections()), 10);
            }
            case TUN_INFO -> {
                out.append(' ');
                column(out, forwardName(spec.method()), 7);
                column(out, TunnelText.info(spec), 13);
                weightAndConnections(out, rs);
            }
            case DEFAULT -> {
                out.append(' ');
                column(out, forwardName(spec.method()), 7);
                weightAndConnections(out, rs);
            }
        }
        out.append('\n');
    }

    private static void weightAndConnections(StringBuilder out, RealServerView rs) {
        column(out, Integer.toString(rs.spec().weight()), 6);
        column(out, Text.unsigned32(rs.activeConnections()), 10);
        Text.padRight(out, Text.unsigned32(rs.inactiveConnections()), 10);
    }

    private static void column(StringBuilder out, String s, int width) {
        Text.padRight(out, s, width).append(' ');
    }

    /** ipvsadm knows four names; a bypass server would print as printf's {@code (null)}. */
    private static String forwardName(ForwardingMethod m) {
        return m == ForwardingMethod.BYPASS ? "(null)" : m.listName();
    }

    private void counters(StringBuilder out, Counters c) {
        for (long v : new long[] {c.connections(), c.inPackets(), c.outPackets(), c.inBytes(), c.outBytes()}) {
            LargeNumber.append(out, v, format.exact());
        }
    }
}
