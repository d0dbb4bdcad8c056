package lvs.cli.render;

import java.util.List;
import lvs.model.Protocol;
import lvs.table.ConnectionView;

/**
 * {@code -L -c}: what ipvsadm makes of {@code /proc/net/ip_vs_conn}, in proc order ({@code --nosort}
 * and {@code --exact} do not apply). With {@code --persistent-conn}, lines that carry PE data get two
 * more columns; the destination column is then 16 wide although its title is 18.
 */
final class ConnectionListing {
    private final ListFormat format;
    private final AddressPort addressPort;

    ConnectionListing(NameResolver names, ListFormat format) {
        this.format = format;
        this.addressPort = new AddressPort(names, format.numeric());
    }

    String render(List<ConnectionView> connections) {
        StringBuilder out = new StringBuilder(128 + 96 * connections.size());
        out.append("IPVS connection entries\n");
        out.append("pro expire ");
        Text.padRight(out, "state", 11).append(' ');
        Text.padRight(out, "source", 18).append(' ');
        Text.padRight(out, "virtual", 18).append(' ');
        if (format.persistentConn()) {
            Text.padRight(out, "destination", 18).append(' ');
            Text.padRight(out, "pe name", 16).append(' ').append("pe_data\n");
        } else {
            out.append("destination\n");
        }
        for (ConnectionView c : connections) {
            line(out, c);
        }
        return out.toString();
    }

    private void line(StringBuilder out, ConnectionView c) {
        Protocol portNames = switch (c.protocolName()) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> null; // IP (fwmark templates) and anything else: numeric ports
        };
        String client = addressPort.format(c.clientAddress(), c.clientPort(), portNames);
        String virtual = addressPort.format(c.virtualAddress(), c.virtualPort(), portNames);
        String destination = addressPort.format(c.destinationAddress(), c.destinationPort(), portNames);
        Text.padRight(out, c.protocolName(), 3).append(' ');
        Text.padRight(out, expiry(c.expiresSeconds()), 6).append(' ');
        Text.padRight(out, c.stateName(), 11).append(' ');
        Text.padRight(out, client, 18).append(' ');
        Text.padRight(out, virtual, 18).append(' ');
        boolean withPe = !c.persistenceEngine().isEmpty() && !c.peData().isEmpty();
        if (format.persistentConn() && withPe) {
            Text.padRight(out, destination, 16).append(' ');
            Text.padRight(out, c.persistenceEngine(), 18).append(' ').append(c.peData());
        } else {
            out.append(destination);
        }
        out.append('\n');
    }

    /** {@code %02d:%02d} of minutes and seconds; minutes are not capped. */
    private static String expiry(long seconds) {
        long m = seconds / 60;
        long s = seconds % 60;
        return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
    }
}
