package lvs.dataplane.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The IPv6 routes of lvsd's namespace ({@code /proc/net/ipv6_route}) over the attached interfaces,
 * compiled into arrays sorted longest prefix first, so that the data plane finds a next hop without
 * allocating. Local, reject and multicast routes are left out: lvsd only forwards to unicast
 * neighbours. Read on the control path; immutable.
 */
public final class Ipv6Routes {
    private static final Path PROC_ROUTE = Path.of("/proc/net/ipv6_route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;
    private static final int RTF_REJECT = 0x200;
    private static final int RTF_LOCAL = 0x80000000;
    public static final Ipv6Routes NONE = new Ipv6Routes(new long[0], new long[0], new long[0], new long[0],
        new long[0], new long[0], new int[0]);

    private final long[] destinationHi;
    private final long[] destinationLo;
    private final long[] maskHi;
    private final long[] maskLo;
    private final long[] gatewayHi;   // 0/0 = on-link
    private final long[] gatewayLo;
    private final int[] ifIndex;

    private Ipv6Routes(long[] dHi, long[] dLo, long[] mHi, long[] mLo, long[] gHi, long[] gLo, int[] ifIndex) {
        destinationHi = dHi;
        destinationLo = dLo;
        maskHi = mHi;
        maskLo = mLo;
        gatewayHi = gHi;
        gatewayLo = gLo;
        this.ifIndex = ifIndex;
    }

    /** One route: {@code destination/prefixLength via gateway dev interface} (gateway 0/0 = on-link). */
    public record Route(long destinationHi, long destinationLo, int prefixLength, long gatewayHi, long gatewayLo,
                        int metric, String interfaceName) {
    }

    /** Reads {@code /proc/net/ipv6_route}; interface names are mapped to indexes through {@code nics}. */
    public static Ipv6Routes read(List<Nic> nics) {
        try {
            return of(parse(Files.readAllLines(PROC_ROUTE)), nics);
        } catch (IOException e) {
            return of(List.of(), nics);
        }
    }

    /** The text of {@code /proc/net/ipv6_route}, to notice changes (control path). */
    public static String text() {
        try {
            return Files.readString(PROC_ROUTE);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Parses {@code /proc/net/ipv6_route}: destination, prefix length, source, source prefix length,
     * next hop, metric, refcount, use, flags (hex), device.
     */
    static List<Route> parse(List<String> lines) {
        List<Route> routes = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[0].length() != 32) {
                continue;
            }
            int flags = (int) Long.parseLong(f[8], 16);
            if ((flags & RTF_UP) == 0 || (flags & (RTF_REJECT | RTF_LOCAL)) != 0 || f[0].startsWith("ff")) {
                continue;
            }
            boolean viaGateway = (flags & RTF_GATEWAY) != 0;
            routes.add(new Route(word(f[0], 0), word(f[0], 16), Integer.parseInt(f[1], 16),
                viaGateway ? word(f[4], 0) : 0, viaGateway ? word(f[4], 16) : 0,
                (int) Long.parseLong(f[5], 16), f[9]));
        }
        return routes;
    }

    private static long word(String hex32, int from) {
        return Long.parseUnsignedLong(hex32.substring(from, from + 16), 16);
    }

    /** Compiles routes; those over interfaces not in {@code nics} are kept out. */
    public static Ipv6Routes of(List<Route> routes, List<Nic> nics) {
        record Usable(Route route, int ifIndex) {
        }
        List<Usable> usable = new ArrayList<>();
        for (Route r : routes) {
            for (Nic n : nics) {
                if (n.name().equals(r.interfaceName())) {
                    usable.add(new Usable(r, n.index()));
                }
            }
        }
        // Longest prefix first, then lowest metric, as the kernel chooses.
        usable.sort(Comparator.comparingInt((Usable u) -> -u.route().prefixLength())
            .thenComparingInt(u -> u.route().metric()));
        int n = usable.size();
        long[] dHi = new long[n];
        long[] dLo = new long[n];
        long[] mHi = new long[n];
        long[] mLo = new long[n];
        long[] gHi = new long[n];
        long[] gLo = new long[n];
        int[] ix = new int[n];
        for (int i = 0; i < n; i++) {
            Route r = usable.get(i).route();
            int p = Math.max(0, Math.min(128, r.prefixLength()));
            mHi[i] = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
            mLo[i] = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
            dHi[i] = r.destinationHi() & mHi[i];
            dLo[i] = r.destinationLo() & mLo[i];
            gHi[i] = r.gatewayHi();
            gLo[i] = r.gatewayLo();
            ix[i] = usable.get(i).ifIndex();
        }
        return new Ipv6Routes(dHi, dLo, mHi, mLo, gHi, gLo, ix);
    }

    /** Index of the route for the address, or -1. No allocation. */
    public int lookup(long hi, long lo) {
        for (int i = 0; i < ifIndex.length; i++) {
            if ((hi & maskHi[i]) == destinationHi[i] && (lo & maskLo[i]) == destinationLo[i]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The source address the kernel would pick for a packet of its own to {@code (hi, lo)} (TUN's outer
     * source, {@code ipv6_dev_get_saddr} reduced to the rules that decide between one interface's
     * addresses: the outgoing interface's, of the destination's scope (link-local or not), with the longest
     * prefix in common with the destination; the first on a tie, global ones come first). Written to
     * {@code out} as {hi, lo}; false without a route or an address of that scope. Control path.
     */
    public boolean preferredSource(long hi, long lo, List<Nic> nics, long[] out) {
        int route = lookup(hi, lo);
        if (route < 0) {
            return false;
        }
        boolean linkLocal = isLinkLocal(hi);
        for (Nic nic : nics) {
            if (nic.index() != ifIndex[route]) {
                continue;
            }
            long[] addresses = nic.ipv6();
            int best = -1;
            int bestLength = -1;
            for (int a = 0; a + 1 < addresses.length; a += 2) {
                if (isLinkLocal(addresses[a]) != linkLocal) {
                    continue;
                }
                int common = addresses[a] != hi ? Long.numberOfLeadingZeros(addresses[a] ^ hi)
                    : 64 + Long.numberOfLeadingZeros(addresses[a + 1] ^ lo);
                if (common > bestLength) {
                    best = a;
                    bestLength = common;
                }
            }
            if (best < 0) {
                return false;
            }
            out[0] = addresses[best];
            out[1] = addresses[best + 1];
            return true;
        }
        return false;
    }

    private static boolean isLinkLocal(long hi) {
        return (hi >>> 54) == (0xfe80_0000_0000_0000L >>> 54); // fe80::/10
    }

    /** True when the route has a gateway: the neighbour to resolve is then {@link #gatewayHi}/{@link #gatewayLo}. */
    public boolean viaGateway(int route) {
        return gatewayHi[route] != 0 || gatewayLo[route] != 0;
    }

    public long gatewayHi(int route) {
        return gatewayHi[route];
    }

    public long gatewayLo(int route) {
        return gatewayLo[route];
    }

    public int interfaceIndex(int route) {
        return ifIndex[route];
    }

    public int size() {
        return ifIndex.length;
    }
}
