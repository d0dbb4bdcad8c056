package lvs.table;

import java.util.List;

/**
 * The whole table in the kernel's dump order (what {@code --nosort} shows): the 256-bucket
 * protocol/address/port hash first, then the fwmark hash, newest first within a bucket.
 *
 * @param connectionTableSize what the header prints as {@code size=}
 */
public record TableView(int connectionTableSize, List<ServiceView> services) {
    public TableView {
        services = List.copyOf(services);
    }
}
