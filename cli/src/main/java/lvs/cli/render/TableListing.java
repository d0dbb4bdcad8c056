package lvs.cli.render;

import java.util.List;
import lvs.table.ServiceView;

/** {@code -L}: title lines, service lines and real-server lines in every column format. */
final class TableListing {
    private final NameResolver names;
    private final ListFormat format;

    TableListing(NameResolver names, ListFormat format) {
        this.names = names;
        this.format = format;
    }

    static String versionLine(int versionCode, int size) {
        return "IP Virtual Server version " + (versionCode >> 16) + "." + ((versionCode >> 8) & 0xff) + "."
            + (versionCode & 0xff) + " (size=" + size + ")\n";
    }

    String titlesAndServices(List<ServiceView> services) {
        throw new UnsupportedOperationException("not yet written");
    }
}
