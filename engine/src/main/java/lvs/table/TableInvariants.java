package lvs.table;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import lvs.model.ForwardingMethod;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.TunnelType;

/** The rules a table built only through {@link VirtualServerTable}'s checks can never break. */
final class TableInvariants {
    private TableInvariants() {
    }

    static void check(Map<ServiceKey, VirtualServerTable.LiveService> services, boolean daemonRunning, long nextId) {
        Set<Long> ids = new HashSet<>();
        long previousServiceId = 0;
        for (Map.Entry<ServiceKey, VirtualServerTable.LiveService> e : services.entrySet()) {
            VirtualServerTable.LiveService s = e.getValue();
            require(e.getKey().equals(VirtualServerTable.lookupKey(s.spec.key())) && e.getKey().equals(s.spec.key()),
                "service stored under a key other than its own: " + s.spec.key());
            require(s.id > previousServiceId, "services not in creation order at " + s.spec.key());
            previousServiceId = s.id;
            require(s.id < nextId && ids.add(s.id), "duplicate or future id " + s.id);
            require((s.spec.flags() & ServiceFlags.HASHED) != 0, "HASHED flag missing on " + s.spec.key());
            require(VirtualServerTable.isKnownScheduler(s.spec.scheduler()), "unknown scheduler " + s.spec.scheduler());
            if (s.spec.key().address().isIpv6()) {
                require(s.spec.netmask() >= 1 && s.spec.netmask() <= 128, "IPv6 prefix out of range");
            }
            long previousDestId = Long.MAX_VALUE;
            Set<String> destKeys = new HashSet<>();
            for (RealServerEntry d : s.realServers) {
                RealServerSpec r = d.spec();
                require(d.id() < previousDestId, "real servers not newest first in " + s.spec.key());
                previousDestId = d.id();
                require(d.id() < nextId && ids.add(d.id()), "duplicate or future id " + d.id());
                require(destKeys.add(r.address().toHex() + ":" + r.port()), "duplicate real server " + r.address());
                require(r.weight() >= 0 && r.lowerThreshold() <= r.upperThreshold(), "weight/threshold range " + r);
                require(!(r.tunnelType() == TunnelType.GUE && r.tunnelPort() == 0), "GUE without port " + r);
                require(DestinationAddressRules.isAcceptable(r.address()), "non-unicast real server " + r.address());
                if (r.address().family() != s.spec.key().family()) {
                    require(r.method() == ForwardingMethod.TUNNEL, "mixed family without tunnel " + r);
                    require(!daemonRunning, "mixed family real server while a sync daemon runs");
                }
            }
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("table invariant broken: " + what);
        }
    }
}
