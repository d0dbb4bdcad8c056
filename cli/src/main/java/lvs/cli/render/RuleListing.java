package lvs.cli.render;

import java.util.List;
import lvs.table.ServiceView;

/** {@code -S [-n]}: the table as rules that {@code -R} reads back. */
final class RuleListing {
    private final NameResolver names;
    private final boolean numeric;

    RuleListing(NameResolver names, boolean numeric) {
        this.names = names;
        this.numeric = numeric;
    }

    String render(List<ServiceView> services) {
        throw new UnsupportedOperationException("not yet written");
    }
}
