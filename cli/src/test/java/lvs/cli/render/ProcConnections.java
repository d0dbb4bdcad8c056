package lvs.cli.render;

import java.util.ArrayList;
import java.util.List;
import lvs.model.InetAddress;
import lvs.table.ConnectionView;

/** Reads {@code /proc/net/ip_vs_conn} text (header line first) into views, for the {@code -c} goldens. */
final class ProcConnections {
    private ProcConnections() {
    }

    static List<ConnectionView> parse(List<String> lines) {
        List<ConnectionView> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            out.add(new ConnectionView(f[0], address(f[1]), Integer.parseInt(f[2], 16), address(f[3]),
                Integer.parseInt(f[4], 16), address(f[5]), Integer.parseInt(f[6], 16), f[7], Long.parseLong(f[8]),
                f.length > 9 ? f[9] : "", f.length > 10 ? f[10] : ""));
        }
        return out;
    }

    private static InetAddress address(String s) {
        return s.indexOf(':') >= 0 ? AddressLiteral.parse(s) : InetAddress.ofIpv4((int) Long.parseLong(s, 16));
    }
}
