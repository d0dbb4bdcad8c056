package lvs.table;

import java.util.OptionalInt;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.TunnelType;

/** Short ways to write services and real servers in table tests. */
final class TableFixtures {
    private TableFixtures() {
    }

    static VirtualServerTable newTable() {
        return new VirtualServerTable(StatsSource.ZEROS, name -> switch (name) {
            case "lo" -> OptionalInt.of(65536);
            case "eth0" -> OptionalInt.of(9000);
            case "small0" -> OptionalInt.of(1280);
            default -> OptionalInt.empty();
        });
    }

    static InetAddress ip(String text) {
        if (text.contains(":")) {
            try {
                return InetAddress.of(java.net.InetAddress.getByName(text).getAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(text, e);
            }
        }
        String[] p = text.split("\\.");
        return InetAddress.of(new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]),
            (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])});
    }

    static ServiceKey tcp(String address, int port) {
        return ServiceKey.of(Protocol.TCP, ip(address), port);
    }

    static ServiceKey udp(String address, int port) {
        return ServiceKey.of(Protocol.UDP, ip(address), port);
    }

    static ServiceKey fwmark(long mark) {
        return ServiceKey.ofFwmark(AddressFamily.INET, mark);
    }

    static ServiceSpec service(ServiceKey key) {
        return service(key, "wlc");
    }

    static ServiceSpec service(ServiceKey key, String scheduler) {
        return new ServiceSpec(key, scheduler, "", 0, 0, key.family() == AddressFamily.INET6 ? 128 : 0xffffffffL);
    }

    static RealServerSpec masq(String address, int port) {
        return server(address, port, ForwardingMethod.MASQUERADE, 1);
    }

    static RealServerSpec server(String address, int port, ForwardingMethod method, int weight) {
        return new RealServerSpec(ip(address), port, method, weight, 0, 0, TunnelType.IPIP, 0, 0);
    }
}
