package lvs.cli.render;

/**
 * How ipvsadm was asked to list: its {@code FMT_*} bits as booleans. Several column formats may be set at
 * once; the renderers apply ipvsadm's precedence (stats, rate, thresholds, persistent-conn, tun-info,
 * default), so the caller just records what the command line said.
 *
 * @param numeric        {@code -n}: no host or port names
 * @param exact          {@code --exact}: no K/M/G scaling in {@code --stats}/{@code --rate}
 * @param noSort         {@code --nosort}: kernel dump order instead of ipvsadm's sort
 * @param stats          {@code --stats}
 * @param rate           {@code --rate}
 * @param thresholds     {@code --thresholds}
 * @param persistentConn {@code --persistent-conn} (also selects the PE columns of {@code -c})
 * @param tunInfo        {@code --tun-info}
 */
public record ListFormat(boolean numeric, boolean exact, boolean noSort, boolean stats, boolean rate,
                         boolean thresholds, boolean persistentConn, boolean tunInfo) {
    /** Plain {@code ipvsadm -L}. */
    public static final ListFormat DEFAULT = new ListFormat(false, false, false, false, false, false, false, false);

    public ListFormat withNumeric(boolean on) {
        return new ListFormat(on, exact, noSort, stats, rate, thresholds, persistentConn, tunInfo);
    }

    public ListFormat withExact(boolean on) {
        return new ListFormat(numeric, on, noSort, stats, rate, thresholds, persistentConn, tunInfo);
    }

    public ListFormat withNoSort(boolean on) {
        return new ListFormat(numeric, exact, on, stats, rate, thresholds, persistentConn, tunInfo);
    }

    public ListFormat withStats(boolean on) {
        return new ListFormat(numeric, exact, noSort, on, rate, thresholds, persistentConn, tunInfo);
    }

    public ListFormat withRate(boolean on) {
        return new ListFormat(numeric, exact, noSort, stats, on, thresholds, persistentConn, tunInfo);
    }

    public ListFormat withThresholds(boolean on) {
        return new ListFormat(numeric, exact, noSort, stats, rate, on, persistentConn, tunInfo);
    }

    public ListFormat withPersistentConn(boolean on) {
        return new ListFormat(numeric, exact, noSort, stats, rate, thresholds, on, tunInfo);
    }

    public ListFormat withTunInfo(boolean on) {
        return new ListFormat(numeric, exact, noSort, stats, rate, thresholds, persistentConn, on);
    }

    /** The column layout that wins, in ipvsadm's order of precedence. */
    Columns columns() {
        if (stats) {
            return Columns.STATS;
        }
        if (rate) {
            return Columns.RATE;
        }
        if (thresholds) {
            return Columns.THRESHOLDS;
        }
        if (persistentConn) {
            return Columns.PERSISTENT_CONN;
        }
        if (tunInfo) {
            return Columns.TUN_INFO;
        }
        return Columns.DEFAULT;
    }

    /** The column layouts of {@code -L}. */
    enum Columns {
        DEFAULT, TUN_INFO, STATS, RATE, THRESHOLDS, PERSISTENT_CONN
    }
}
