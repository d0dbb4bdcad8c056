package lvs.cli.ipvsadm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import lvs.cli.ipvsadm.popt.ArgKind;
import lvs.cli.ipvsadm.popt.OptionSpec;

/**
 * ipvsadm 1.31's popt option table: every spelling it accepts, whether it takes an argument, and
 * which command it is or which option bit it sets. This is the single table the tokenizer reads.
 */
public enum Opt {
    ADD_SERVICE("add-service", 'A', ArgKind.NONE, Command.ADD_SERVICE, null),
    EDIT_SERVICE("edit-service", 'E', ArgKind.NONE, Command.EDIT_SERVICE, null),
    DELETE_SERVICE("delete-service", 'D', ArgKind.NONE, Command.DELETE_SERVICE, null),
    CLEAR("clear", 'C', ArgKind.NONE, Command.FLUSH, null),
    LIST("list", 'L', ArgKind.NONE, Command.LIST, null),
    LIST_LOWER(null, 'l', ArgKind.NONE, Command.LIST, null),
    ZERO("zero", 'Z', ArgKind.NONE, Command.ZERO, null),
    ADD_SERVER("add-server", 'a', ArgKind.NONE, Command.ADD_SERVER, null),
    EDIT_SERVER("edit-server", 'e', ArgKind.NONE, Command.EDIT_SERVER, null),
    DELETE_SERVER("delete-server", 'd', ArgKind.NONE, Command.DELETE_SERVER, null),
    SET("set", (char) 0, ArgKind.NONE, Command.SET_TIMEOUT, null),
    HELP("help", 'h', ArgKind.NONE, Command.HELP, null),
    VERSION("version", 'v', ArgKind.NONE, Command.VERSION, null),
    RESTORE("restore", 'R', ArgKind.NONE, Command.RESTORE, null),
    SAVE("save", 'S', ArgKind.NONE, Command.SAVE, null),
    START_DAEMON("start-daemon", (char) 0, ArgKind.REQUIRED, Command.START_DAEMON, null),
    STOP_DAEMON("stop-daemon", (char) 0, ArgKind.REQUIRED, Command.STOP_DAEMON, null),
    TCP_SERVICE("tcp-service", 't', ArgKind.REQUIRED, null, OptionBit.SERVICE),
    UDP_SERVICE("udp-service", 'u', ArgKind.REQUIRED, null, OptionBit.SERVICE),
    SCTP_SERVICE("sctp-service", (char) 0, ArgKind.REQUIRED, null, OptionBit.SERVICE),
    FWMARK_SERVICE("fwmark-service", 'f', ArgKind.REQUIRED, null, OptionBit.SERVICE),
    SCHEDULER("scheduler", 's', ArgKind.REQUIRED, null, OptionBit.SCHEDULER),
    PERSISTENT("persistent", 'p', ArgKind.OPTIONAL, null, OptionBit.PERSISTENT),
    NETMASK("netmask", 'M', ArgKind.REQUIRED, null, OptionBit.NETMASK),
    REAL_SERVER("real-server", 'r', ArgKind.REQUIRED, null, OptionBit.SERVER),
    MASQUERADING("masquerading", 'm', ArgKind.NONE, null, OptionBit.FORWARD),
    IPIP("ipip", 'i', ArgKind.NONE, null, OptionBit.FORWARD),
    GATEWAYING("gatewaying", 'g', ArgKind.NONE, null, OptionBit.FORWARD),
    WEIGHT("weight", 'w', ArgKind.REQUIRED, null, OptionBit.WEIGHT),
    U_THRESHOLD("u-threshold", 'x', ArgKind.REQUIRED, null, OptionBit.UTHRESHOLD),
    L_THRESHOLD("l-threshold", 'y', ArgKind.REQUIRED, null, OptionBit.LTHRESHOLD),
    NUMERIC("numeric", 'n', ArgKind.NONE, null, OptionBit.NUMERIC),
    CONNECTION("connection", 'c', ArgKind.NONE, null, OptionBit.CONNECTION),
    MCAST_INTERFACE("mcast-interface", (char) 0, ArgKind.REQUIRED, null, OptionBit.MCAST_INTERFACE),
    SYNCID("syncid", (char) 0, ArgKind.REQUIRED, null, OptionBit.SYNCID),
    TIMEOUT("timeout", (char) 0, ArgKind.NONE, null, OptionBit.TIMEOUT),
    DAEMON("daemon", (char) 0, ArgKind.NONE, null, OptionBit.DAEMON),
    STATS("stats", (char) 0, ArgKind.NONE, null, OptionBit.STATS),
    RATE("rate", (char) 0, ArgKind.NONE, null, OptionBit.RATE),
    THRESHOLDS("thresholds", (char) 0, ArgKind.NONE, null, OptionBit.THRESHOLDS),
    PERSISTENT_CONN("persistent-conn", (char) 0, ArgKind.NONE, null, OptionBit.PERSISTENT_CONN),
    NOSORT("nosort", (char) 0, ArgKind.NONE, null, OptionBit.NOSORT),
    /** Accepted with any command and ignored: it has no option bit. */
    SORT("sort", (char) 0, ArgKind.NONE, null, null),
    EXACT("exact", 'X', ArgKind.NONE, null, OptionBit.EXACT),
    /** No option bit either: it only requires an earlier {@code -f}. */
    IPV6("ipv6", '6', ArgKind.NONE, null, null),
    OPS("ops", 'o', ArgKind.NONE, null, OptionBit.ONEPACKET),
    PE("pe", (char) 0, ArgKind.REQUIRED, null, OptionBit.PERSISTENCE_ENGINE),
    SCHED_FLAGS("sched-flags", 'b', ArgKind.REQUIRED, null, OptionBit.SCHED_FLAGS),
    MCAST_GROUP("mcast-group", (char) 0, ArgKind.REQUIRED, null, OptionBit.MCAST_GROUP),
    MCAST_PORT("mcast-port", (char) 0, ArgKind.REQUIRED, null, OptionBit.MCAST_PORT),
    MCAST_TTL("mcast-ttl", (char) 0, ArgKind.REQUIRED, null, OptionBit.MCAST_TTL),
    SYNC_MAXLEN("sync-maxlen", (char) 0, ArgKind.REQUIRED, null, OptionBit.SYNC_MAXLEN),
    TUN_INFO("tun-info", (char) 0, ArgKind.NONE, null, OptionBit.TUN_INFO),
    TUN_TYPE("tun-type", (char) 0, ArgKind.REQUIRED, null, OptionBit.TUN_TYPE),
    TUN_PORT("tun-port", (char) 0, ArgKind.REQUIRED, null, OptionBit.TUN_PORT),
    TUN_NOCSUM("tun-nocsum", (char) 0, ArgKind.NONE, null, OptionBit.TUN_NOCSUM),
    TUN_CSUM("tun-csum", (char) 0, ArgKind.NONE, null, OptionBit.TUN_CSUM),
    TUN_REMCSUM("tun-remcsum", (char) 0, ArgKind.NONE, null, OptionBit.TUN_REMCSUM);

    /** The table in popt form. */
    public static final List<OptionSpec<Opt>> TABLE;

    static {
        List<OptionSpec<Opt>> rows = new ArrayList<>();
        for (Opt o : values()) {
            rows.add(new OptionSpec<>(o.longName, o.shortName, o.argKind, o));
        }
        TABLE = Collections.unmodifiableList(rows);
    }

    private final String longName;
    private final char shortName;
    private final ArgKind argKind;
    private final Command command;
    private final OptionBit bit;

    Opt(String longName, char shortName, ArgKind argKind, Command command, OptionBit bit) {
        this.longName = longName;
        this.shortName = shortName;
        this.argKind = argKind;
        this.command = command;
        this.bit = bit;
    }

    /** The command this option selects, or null when it is not a command. */
    public Command command() {
        return command;
    }

    /** The option bit it sets, or null (commands, {@code --sort}, {@code -6}). */
    public OptionBit bit() {
        return bit;
    }
}
