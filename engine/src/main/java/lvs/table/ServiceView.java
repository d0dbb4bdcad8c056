package lvs.table;

import java.util.List;
import lvs.model.ServiceSpec;

/** A virtual service as the listing sees it; real servers in the kernel's list order (newest first). */
public record ServiceView(ServiceSpec spec, List<RealServerView> realServers, Counters counters, Rates rates) {
    public ServiceView {
        realServers = List.copyOf(realServers);
    }
}
