package lvs.cli.ipvsadm;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import lvs.model.TunnelType;

/**
 * ipvsadm's legality tables: command x option, and (for {@code -a}/{@code -e} tunnels) tunnel type x
 * tunnel option. Both are checked the same way: walk the rows in index order (not argv order) and
 * stop at the first required option missing, illegal option present, or second of a mutually
 * exclusive group.
 */
final class OptionMatrix {
    /** Cell codes: '+' required, 'x' illegal, '1' one of a mutually exclusive group, '.' optional. */
    private static final String[] COMMAND_ROWS = {
        // A E D C L a d e set start stop R S Z
        "xxxx.xxxxxxx.x", // numeric
        "xxxx1xxxxxxxxx", // connection
        "+++x1+++xxxxx.", // service-address
        "..xxxxxxxxxxxx", // scheduler
        "..xxxxxxxxxxxx", // persistent
        "..xxxxxxxxxxxx", // netmask
        "xxxxx+++xxxxxx", // real-server
        "xxxxx.x.xxxxxx", // forwarding-method
        "xxxxx.x.xxxxxx", // weight
        "xxxxx.x.xxxxxx", // u-threshold
        "xxxxx.x.xxxxxx", // l-threshold
        "xxxxxxxxx.xxxx", // mcast-interface
        "xxxx1xxxxxxxxx", // timeout
        "xxxx1xxxxxxxxx", // daemon
        "xxxx.xxxxxxxxx", // stats
        "xxxx.xxxxxxxxx", // rate
        "xxxx.xxxxxxxxx", // thresholds
        "xxxx.xxxxxxxxx", // persistent-conn
        "xxxx.xxxxxxxxx", // nosort
        "xxxx.xxxx..xxx", // syncid
        "xxxx.xxxxxxxxx", // exact
        "..xxxxxxxxxxxx", // ops
        "..xxxxxxxxxxxx", // pe
        "..xxxxxxxxxxxx", // sched-flags
        "xxxxxxxxx.xxxx", // mcast-group
        "xxxxxxxxx.xxxx", // mcast-port
        "xxxxxxxxx.xxxx", // mcast-ttl
        "xxxxxxxxx.xxxx", // sync-maxlen
        "xxxx.xxxxxxxxx", // tun-info
        "xxxxx.x.xxxxxx", // tun-type
        "xxxxx.x.xxxxxx", // tun-port
        "xxxxx.x.xxxxxx", // tun-nocsum
        "xxxxx.x.xxxxxx", // tun-csum
        "xxxxx.x.xxxxxx", // tun-remcsum
    };

    private static final List<OptionBit> TUNNEL_OPTIONS =
        List.of(OptionBit.TUN_PORT, OptionBit.TUN_NOCSUM, OptionBit.TUN_CSUM, OptionBit.TUN_REMCSUM);
    private static final String[] TUNNEL_ROWS = {
        // ipip gue gre
        "x+x", // tun-port
        "x11", // tun-nocsum
        "x11", // tun-csum
        "x1x", // tun-remcsum
    };

    private OptionMatrix() {
    }

    /** The command x option check; throws (after printing) on the first problem. */
    static void checkCommand(Command command, Set<OptionBit> given, Io io) {
        OptionBit first = null;
        String what = command.internalName() + "' command";
        for (OptionBit bit : OptionBit.values()) {
            char cell = COMMAND_ROWS[bit.ordinal()].charAt(command.ordinal());
            first = checkCell(cell, bit, given.contains(bit), first, what, io);
        }
    }

    /** The tunnel type x tunnel option check, only for {@code -a}/{@code -e} with {@code -i}. */
    static void checkTunnel(TunnelType type, Set<OptionBit> given, Io io) {
        OptionBit first = null;
        String what = type.optionName() + "' tunnel type";
        for (int row = 0; row < TUNNEL_OPTIONS.size(); row++) {
            OptionBit bit = TUNNEL_OPTIONS.get(row);
            char cell = TUNNEL_ROWS[row].charAt(type.ordinal());
            first = checkCell(cell, bit, given.contains(bit), first, what, io);
        }
    }

    private static OptionBit checkCell(char cell, OptionBit bit, boolean present, OptionBit first, String what,
                                       Io io) {
        if (!present) {
            if (cell == '+') {
                throw io.fail("You need to supply the '" + bit.internalName() + "' option for the '" + what);
            }
            return first;
        }
        if (cell == 'x') {
            throw io.fail("Illegal '" + bit.internalName() + "' option with the '" + what);
        }
        if (cell == '1') {
            if (first != null) {
                throw io.fail("The option '" + bit.internalName() + "' conflicts with the '"
                    + first.internalName() + "' option in the '" + what);
            }
            return bit;
        }
        return first;
    }

    static Set<OptionBit> none() {
        return EnumSet.noneOf(OptionBit.class);
    }
}
