package lvs.cli.render;

import java.util.List;
import lvs.model.AddressFamily;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.table.RealServerView;
import lvs.table.ServiceView;

/**
 * {@code -S [-n]}: the table as rules that {@code -R} reads back, always sorted. Thresholds, timeouts
 * and daemons are not part of it (ipvsadm does not save them either).
 */
final class RuleListing {
    private final AddressPort addressPort;

    RuleListing(NameResolver names, boolean numeric) {
        this.addressPort = new AddressPort(names, numeric);
    }

    String render(List<ServiceView> services) {
        StringBuilder out = new StringBuilder(256);
        for (ServiceView s : IpvsadmOrder.services(services)) {
            service(out, s);
        }
        return out.toString();
    }

    private void service(StringBuilder out, ServiceView view) {
        ServiceSpec spec = view.spec();
        String name = serviceName(spec.key());
        out.append("-A ").append(name).append(" -s ").append(spec.scheduler());
        if (spec.isPersistent()) {
            out.append(" -p ").append(Text.unsigned32(spec.timeoutSeconds()));
            String mask = PersistenceMask.text(spec);
            if (mask != null) {
                out.append(" -M ").append(mask);
            }
        }
        if (!spec.persistenceEngine().isEmpty()) {
            out.append(" --pe ").append(spec.persistenceEngine());
        }
        if (spec.isOnePacket()) {
            out.append(" -o");
        }
        String flags = SchedulerFlags.text(spec);
        if (flags != null) {
            out.append(" -b ").append(flags);
        }
        out.append('\n');
        Protocol portNames = spec.key().isFwmark() ? null : spec.key().protocol();
        for (RealServerView rs : IpvsadmOrder.realServers(view.realServers())) {
            RealServerSpec d = rs.spec();
            out.append("-a ").append(name).append(" -r ").append(addressPort.format(d.address(), d.port(), portNames))
                .append(' ').append(d.method().ruleOption()).append(" -w ").append(d.weight())
                .append(TunnelText.ruleOptions(d)).append('\n');
        }
    }

    /** {@code -t ADDR}, {@code -u ADDR}, {@code --sctp-service ADDR}, {@code -f 7}, {@code -f 7 -6}; never cut. */
    private String serviceName(ServiceKey key) {
        if (key.isFwmark()) {
            return "-f " + (int) key.fwmark() + (key.family() == AddressFamily.INET6 ? " -6" : "");
        }
        return key.protocol().ruleOption() + " " + addressPort.format(key.address(), key.port(), key.protocol());
    }
}
