package lvs.cli.render;

import java.io.PrintStream;
import java.util.List;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;
import lvs.table.ConnectionView;
import lvs.table.ServiceView;
import lvs.table.TableView;

/**
 * Every listing ipvsadm prints, byte for byte: {@code -L} in all its column formats, one service,
 * {@code -c}, {@code --timeout}, {@code --daemon}, and {@code -S} rules. Renders view records only; it
 * never talks to the table. Host and port names come from the injected {@link NameResolver} unless
 * the format says numeric.
 */
public final class Listings {
    private final NameResolver names;

    public Listings(NameResolver names) {
        this.names = names;
    }

    /** With /etc/hosts, the system resolver and /etc/services. */
    public static Listings withSystemNames() {
        return new Listings(NameResolver.system());
    }

    /**
     * {@code IP Virtual Server version 1.2.1 (size=4096)}: ipvsadm prints it before it fetches the
     * services, so it appears even when that fetch fails.
     */
    public static void versionLine(int versionCode, int connectionTableSize, PrintStream out) {
        out.print(TableListing.versionLine(versionCode, connectionTableSize));
    }

    /** {@code -L} of the whole table: version line, titles, every service with its real servers. */
    public void table(int versionCode, TableView table, ListFormat format, PrintStream out) {
        out.print(TableListing.versionLine(versionCode, table.connectionTableSize()));
        services(table.services(), format, out);
    }

    /** The part of {@code -L} after the version line: titles, then the services (sorted unless noSort). */
    public void services(List<ServiceView> services, ListFormat format, PrintStream out) {
        out.print(new TableListing(names, format).titlesAndServices(services));
    }

    /** {@code -L -t|-u|--sctp-service|-f ...}: titles and that one service, no version line. */
    public void service(ServiceView service, ListFormat format, PrintStream out) {
        out.print(new TableListing(names, format).titlesAndServices(List.of(service)));
    }

    /** {@code -L -c}: the connection entries in the order given (proc order); honours numeric and persistentConn. */
    public void connections(List<ConnectionView> connections, ListFormat format, PrintStream out) {
        out.print(new ConnectionListing(names, format).render(connections));
    }

    /** {@code -L --timeout}. */
    public static void timeouts(Timeouts timeouts, PrintStream out) {
        out.print(TimeoutListing.render(timeouts));
    }

    /** {@code -L --daemon}: master first, then backup; nothing when none runs. */
    public static void daemons(List<SyncDaemonSpec> daemons, PrintStream out) {
        out.print(DaemonListing.render(daemons));
    }

    /** {@code -S [-n]}: the table as {@code -R} rules, always sorted, no header. */
    public void rules(TableView table, boolean numeric, PrintStream out) {
        out.print(new RuleListing(names, numeric).render(table.services()));
    }
}
