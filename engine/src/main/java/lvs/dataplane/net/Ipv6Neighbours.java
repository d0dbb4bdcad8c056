package lvs.dataplane.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * IPv6 address → Ethernet address, per interface: the IPv6 half of what {@link NeighbourTable} is for
 * IPv4. Owned by the data-plane agent (single thread, no locks). Seeded from the kernel's table
 * ({@code ip -6 neigh}: IPv6 has no {@code /proc/net/arp}), kept current from neighbour
 * advertisements and solicitations, and a missing entry is resolved by a neighbour solicitation from
 * user space, at most one per address per {@link NeighbourTable#RETRY_NS}.
 */
public final class Ipv6Neighbours {
    private final Ipv6KeyMap macs = new Ipv6KeyMap(256, NeighbourTable.UNKNOWN);
    private final Ipv6KeyMap lastRequestNs = new Ipv6KeyMap(64, Long.MIN_VALUE);

    /** The MAC of the address on interface {@code ifIndex}, or {@link NeighbourTable#UNKNOWN}. */
    public long mac(int ifIndex, long hi, long lo) {
        return macs.get(hi, lo, ifIndex);
    }

    /** Records (or refreshes) a neighbour; the unspecified address and a zero MAC are ignored. */
    public void learn(int ifIndex, long hi, long lo, long mac) {
        if ((hi != 0 || lo != 0) && mac != 0) {
            macs.put(hi, lo, ifIndex, mac);
        }
    }

    /** True if a solicitation should be sent now (none in the last second); records that one is sent. */
    public boolean shouldRequest(int ifIndex, long hi, long lo, long nowNs) {
        long last = lastRequestNs.get(hi, lo, ifIndex);
        if (last != Long.MIN_VALUE && nowNs - last < NeighbourTable.RETRY_NS) {
            return false;
        }
        lastRequestNs.put(hi, lo, ifIndex, nowNs);
        return true;
    }

    public int size() {
        return macs.size();
    }

    /** One entry of the kernel's table with a link-layer address. */
    public record Entry(long hi, long lo, long mac, String interfaceName) {
    }

    /** The kernel's IPv6 neighbours with a link-layer address, from {@code ip -6 neigh show} (control path). */
    public static List<Entry> readKernelTable() {
        try {
            Process p = new ProcessBuilder("ip", "-6", "neigh", "show").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return List.of();
            }
            return parse(out.lines().toList());
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Lines like {@code 2001:2::12 dev eth0 lladdr 02:00:00:00:01:0c REACHABLE}; FAILED/INCOMPLETE ones have no lladdr. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            String dev = null;
            String lladdr = null;
            for (int i = 1; i + 1 < f.length; i++) {
                if (f[i].equals("dev")) {
                    dev = f[i + 1];
                } else if (f[i].equals("lladdr")) {
                    lladdr = f[i + 1];
                }
            }
            if (dev == null || lladdr == null || !f[0].contains(":") || f[0].contains("%")) {
                continue;
            }
            try {
                byte[] a = java.net.InetAddress.getByName(f[0]).getAddress(); // a literal: never a name lookup
                if (a.length != 16) {
                    continue;
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(a);
                entries.add(new Entry(b.getLong(), b.getLong(), Long.parseLong(lladdr.replace(":", ""), 16), dev));
            } catch (IOException | NumberFormatException e) {
                // not an address we understand: skip the line
            }
        }
        return entries;
    }
}
