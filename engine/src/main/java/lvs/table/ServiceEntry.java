package lvs.table;

import java.util.List;
import lvs.model.ServiceSpec;

/**
 * A service as the table holds it, with the id its counters are kept under.
 *
 * @param realServers in the order of the method that returned this entry
 */
public record ServiceEntry(long id, ServiceSpec spec, List<RealServerEntry> realServers) {
    public ServiceEntry {
        realServers = List.copyOf(realServers);
    }
}
