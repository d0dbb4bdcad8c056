package lvs.dataplane.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The main IPv4 routing table of lvsd's namespace ({@code /proc/net/route}), compiled into arrays
 * sorted longest prefix first so that the data plane can look a next hop up without allocating.
 * Read on the control path; the result is immutable.
 */
public final class Ipv4Routes {
    private static final Path PROC_ROUTE = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private final int[] destination;
    private final int[] mask;
    private final int[] gateway;     // 0 = on-link
    private final int[] ifIndex;

    private Ipv4Routes(int[] destination, int[] mask, int[] gateway, int[] ifIndex) {
        this.destination = destination;
        this.mask = mask;
        this.gateway = gateway;
        this.ifIndex = ifIndex;
    }

    /** One route: {@code destination/mask via gateway dev interface}. */
    public record Route(int destination, int mask, int gateway, int metric, String interfaceName) {
    }

    /** Reads {@code /proc/net/route}; interface names are mapped to indexes through {@code nics}. */
    public static Ipv4Routes read(List<Nic> nics) {
        try {
            return of(parse(Files.readAllLines(PROC_ROUTE)), nics);
        } catch (IOException e) {
            return of(List.of(), nics);
        }
    }

    /** Parses the text of {@code /proc/net/route}: addresses are the raw network-order words in host hex. */
    static List<Route> parse(List<String> lines) {
        List<Route> routes = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            if ((flags & RTF_UP) == 0) {
                continue;
            }
            int gw = (flags & RTF_GATEWAY) != 0 ? wire(f[2]) : 0;
            routes.add(new Route(wire(f[1]), wire(f[7]), gw, Integer.parseInt(f[6]), f[0]));
        }
        return routes;
    }

    private static int wire(String hex) {
        // /proc prints the __be32 as a native (little-endian on x86) int.
        int raw = (int) Long.parseLong(hex, 16);
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(raw) : raw;
    }

    /** Compiles routes; those over interfaces not in {@code nics} are kept out. */
    public static Ipv4Routes of(List<Route> routes, List<Nic> nics) {
        List<Route> usable = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (Route r : routes) {
            for (Nic n : nics) {
                if (n.name().equals(r.interfaceName())) {
                    usable.add(r);
                    indexes.add(n.index());
                }
            }
        }
        Integer[] order = new Integer[usable.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Longest prefix first, then lowest metric, as the kernel chooses.
        Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(Integer.bitCount(usable.get(b).mask()), Integer.bitCount(usable.get(a).mask()));
            return c != 0 ? c : Integer.compare(usable.get(a).metric(), usable.get(b).metric());
        });
        int n = order.length;
        int[] d = new int[n];
        int[] m = new int[n];
        int[] g = new int[n];
        int[] ix = new int[n];
        for (int i = 0; i < n; i++) {
            Route r = usable.get(order[i]);
            d[i] = r.destination() & r.mask();
            m[i] = r.mask();
            g[i] = r.gateway();
            ix[i] = indexes.get(order[i]);
        }
        return new Ipv4Routes(d, m, g, ix);
    }

    /** Index of the route for {@code address}, or -1. No allocation. */
    public int lookup(int address) {
        for (int i = 0; i < destination.length; i++) {
            if ((address & mask[i]) == destination[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The address whose neighbour entry a packet to {@code address} needs: the gateway or the address itself. */
    public int nextHop(int route, int address) {
        return gateway[route] != 0 ? gateway[route] : address;
    }

    /**
     * The source address the kernel would pick for a packet of its own to {@code address} (TUN's outer
     * source): the address of the outgoing interface inside the on-link prefix that holds the next hop,
     * else the interface's first address; 0 without a route. Control path.
     */
    public int preferredSource(int address, List<Nic> nics) {
        int route = lookup(address);
        if (route < 0) {
            return 0;
        }
        int hop = nextHop(route, address);
        for (Nic nic : nics) {
            if (nic.index() != ifIndex[route]) {
                continue;
            }
            for (int r = 0; r < destination.length; r++) {
                if (ifIndex[r] == ifIndex[route] && gateway[r] == 0 && mask[r] != 0
                    && (hop & mask[r]) == destination[r]) {
                    for (int a : nic.ipv4()) {
                        if ((a & mask[r]) == destination[r]) {
                            return a;
                        }
                    }
                }
            }
            return nic.primaryIpv4();
        }
        return 0;
    }

    public int interfaceIndex(int route) {
        return ifIndex[route];
    }

    public int size() {
        return destination.length;
    }
}
