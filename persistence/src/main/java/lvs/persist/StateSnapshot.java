package lvs.persist;

import java.util.List;
import java.util.Objects;
import lvs.model.RealServerSpec;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;

/**
 * Everything lvsd keeps across restarts: the rules, not the counters or connections (the kernel
 * loses those on reboot too). Services and each service's real servers are in CREATION order, so
 * that replaying them with add calls rebuilds the same hash-bucket and list orders.
 */
public record StateSnapshot(List<SavedService> services, Timeouts timeouts, List<SyncDaemonSpec> daemons) {
    public static final StateSnapshot EMPTY = new StateSnapshot(List.of(), Timeouts.KERNEL_DEFAULTS, List.of());

    public StateSnapshot {
        services = List.copyOf(services);
        Objects.requireNonNull(timeouts, "timeouts");
        daemons = List.copyOf(daemons);
    }

    /** A service and its real servers, oldest first. */
    public record SavedService(ServiceSpec spec, List<RealServerSpec> realServers) {
        public SavedService {
            Objects.requireNonNull(spec, "spec");
            realServers = List.copyOf(realServers);
        }
    }

    /** Number of services plus real servers: what a replay adds. */
    public int ruleCount() {
        int n = services.size();
        for (SavedService s : services) {
            n += s.realServers().size();
        }
        return n;
    }
}
