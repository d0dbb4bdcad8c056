package lvs.io.kernel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Renders lvsd's nftables table as one {@code nft -f} script. The script first declares and deletes
 * the table and then recreates it whole, so that applying it is one atomic transaction: there is never
 * a moment when the kernel sees VIP traffic unguarded, or half a rule set. {@link #renderChanges}
 * renders a change of the targets alone (add and delete set elements), also one transaction, whose
 * cost follows the size of the change rather than of the table.
 *
 * <p>Layout: eight sets, keyed {@code addr . l4proto . port} (or {@code addr . l4proto} for port 0),
 * for each of IPv4/IPv6 and to/from; one netdev ingress chain per interface at priority -500 with one
 * drop rule per set. Sets are always declared (even empty) so the rules never change with the targets.
 */
final class NftScript {
    private static final String[] FAMILIES = {"4", "6"};

    private NftScript() {
    }

    /** The script that (re)creates table {@code table} guarding {@code interfaces} for {@code targets}. */
    static String render(String table, Collection<String> interfaces, Collection<GuardTarget> targets) {
        StringBuilder s = new StringBuilder();
        s.append("table netdev ").append(table).append('\n');
        s.append("delete table netdev ").append(table).append('\n');
        s.append("table netdev ").append(table).append(" {\n");
        for (String family : FAMILIES) {
            for (GuardTarget.Direction direction : GuardTarget.Direction.values()) {
                for (boolean anyPort : new boolean[] {false, true}) {
                    set(s, family, direction, anyPort, targets);
                }
            }
        }
        for (String device : interfaces) {
            s.append("  chain in_").append(device.replaceAll("[^A-Za-z0-9_]", "_")).append(" {\n");
            s.append("    type filter hook ingress device \"").append(device)
                .append("\" priority -500; policy accept;\n");
            for (String family : FAMILIES) {
                String ip = family.equals("4") ? "ip" : "ip6";
                for (GuardTarget.Direction direction : GuardTarget.Direction.values()) {
                    String addr = direction == GuardTarget.Direction.TO ? "daddr" : "saddr";
                    String port = direction == GuardTarget.Direction.TO ? "dport" : "sport";
                    s.append("    ").append(ip).append(' ').append(addr).append(" . meta l4proto . th ").append(port)
                        .append(" @").append(setName(family, direction, false)).append(" counter drop\n");
                    s.append("    ").append(ip).append(' ').append(addr).append(" . meta l4proto @")
                        .append(setName(family, direction, true)).append(" counter drop\n");
                }
            }
            s.append("  }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /**
     * The script that turns a table holding some targets into one holding {@code added} more and
     * {@code deleted} fewer: {@code add element} and {@code delete element} statements per set, sorted.
     * Applied with {@code nft -f} it is one transaction; it fails as a whole (changing nothing) if the
     * table or a deleted element is missing, e.g. after someone flushed the ruleset.
     */
    static String renderChanges(String table, Collection<GuardTarget> added, Collection<GuardTarget> deleted) {
        StringBuilder s = new StringBuilder();
        for (String family : FAMILIES) {
            for (GuardTarget.Direction direction : GuardTarget.Direction.values()) {
                for (boolean anyPort : new boolean[] {false, true}) {
                    elementsStatement(s, "add", table, family, direction, anyPort, added);
                    elementsStatement(s, "delete", table, family, direction, anyPort, deleted);
                }
            }
        }
        return s.toString();
    }

    private static void elementsStatement(StringBuilder s, String verb, String table, String family,
                                          GuardTarget.Direction direction, boolean anyPort,
                                          Collection<GuardTarget> targets) {
        TreeSet<String> elements = elements(family, direction, anyPort, targets);
        if (!elements.isEmpty()) {
            s.append(verb).append(" element netdev ").append(table).append(' ')
                .append(setName(family, direction, anyPort)).append(" { ")
                .append(String.join(", ", elements)).append(" }\n");
        }
    }

    /** The set elements of those {@code targets} that belong in one set, sorted (same targets, same script). */
    private static TreeSet<String> elements(String family, GuardTarget.Direction direction, boolean anyPort,
                                            Collection<GuardTarget> targets) {
        TreeSet<String> elements = new TreeSet<>();
        for (GuardTarget t : targets) {
            boolean v6 = t.address().isIpv6();
            if (t.direction() == direction && v6 == family.equals("6") && (t.port() == 0) == anyPort) {
                elements.add(t.address().toString() + " . " + t.protocol() + (anyPort ? "" : " . " + t.port()));
            }
        }
        return elements;
    }

    /** The script that removes the table (declaring it first so that deleting never fails). */
    static String renderRemoval(String table) {
        return "table netdev " + table + "\ndelete table netdev " + table + "\n";
    }

    static String setName(String family, GuardTarget.Direction direction, boolean anyPort) {
        return (direction == GuardTarget.Direction.TO ? "to" : "from") + family + (anyPort ? "_anyport" : "");
    }

    private static void set(StringBuilder s, String family, GuardTarget.Direction direction, boolean anyPort,
                            Collection<GuardTarget> targets) {
        String addrType = family.equals("4") ? "ipv4_addr" : "ipv6_addr";
        s.append("  set ").append(setName(family, direction, anyPort)).append(" { type ").append(addrType)
            .append(" . inet_proto").append(anyPort ? "" : " . inet_service").append(';');
        TreeSet<String> elements = elements(family, direction, anyPort, targets);
        if (!elements.isEmpty()) {
            s.append(" elements = { ").append(String.join(", ", elements)).append(" };");
        }
        s.append(" }\n");
    }

    /** For tests: the interface chains' names as rendered. */
    static List<String> chainNames(Collection<String> interfaces) {
        List<String> names = new ArrayList<>();
        for (String device : interfaces) {
            names.add("in_" + device.replaceAll("[^A-Za-z0-9_]", "_"));
        }
        return names;
    }
}
