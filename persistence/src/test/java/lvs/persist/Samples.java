package lvs.persist;

import java.util.List;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;

/** Rules that exercise every field of the state file. */
final class Samples {
    private Samples() {
    }

    static InetAddress v4(int a, int b, int c, int d) {
        return InetAddress.of(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    static InetAddress v6(String hex32) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) Integer.parseInt(hex32.substring(2 * i, 2 * i + 2), 16);
        }
        return InetAddress.of(b);
    }

    static ServiceSpec tcp(InetAddress vip, int port, String scheduler) {
        return new ServiceSpec(ServiceKey.of(Protocol.TCP, vip, port), scheduler, "", ServiceFlags.HASHED, 0, 0xffffffffL);
    }

    static RealServerSpec masq(InetAddress rip, int port, int weight) {
        return new RealServerSpec(rip, port, ForwardingMethod.MASQUERADE, weight, 0, 0, TunnelType.IPIP, 0, 0);
    }

    static StateSnapshot everything() {
        ServiceSpec nat = tcp(v4(198, 18, 0, 11), 80, "wrr");
        ServiceSpec v6 = new ServiceSpec(ServiceKey.of(Protocol.UDP, v6("20010db8000000000000000000000001"), 53), "sh",
            "sip", ServiceFlags.HASHED | ServiceFlags.PERSISTENT | ServiceFlags.SCHED1, 360, 64);
        ServiceSpec mark = new ServiceSpec(ServiceKey.ofFwmark(AddressFamily.INET, 4294967295L), "odd name%-",
            "", ServiceFlags.HASHED | ServiceFlags.ONEPACKET, 0, 0xffffff00L);
        ServiceSpec sctp = new ServiceSpec(ServiceKey.of(Protocol.SCTP, v4(198, 18, 0, 12), 0), "-", "",
            ServiceFlags.HASHED | ServiceFlags.PERSISTENT, 300, 0xffffffffL);
        RealServerSpec tunnel = new RealServerSpec(v6("20010db8000000000000000000000002"), 0, ForwardingMethod.TUNNEL,
            Integer.MAX_VALUE, 4294967295L, 7, TunnelType.GUE, 6080, RealServerSpec.TUNNEL_FLAG_CSUM);
        return new StateSnapshot(List.of(
            new StateSnapshot.SavedService(nat, List.of(masq(v4(198, 18, 1, 12), 80, 1), masq(v4(198, 18, 1, 13), 80, 2))),
            new StateSnapshot.SavedService(v6, List.of()),
            new StateSnapshot.SavedService(mark, List.of(tunnel)),
            new StateSnapshot.SavedService(sctp, List.of(new RealServerSpec(v4(198, 18, 1, 14), 0,
                ForwardingMethod.ROUTE, 0, 0, 0, TunnelType.GRE, 0, 0)))),
            new Timeouts(1, 2, 3),
            List.of(new SyncDaemonSpec(SyncDaemonSpec.State.MASTER, "eth0", 7, 1472, v4(224, 0, 0, 81), 8848, 1),
                new SyncDaemonSpec(SyncDaemonSpec.State.BACKUP, "veth 0", 255, 9000, v4(239, 1, 2, 3), 1, 255)));
    }
}
