package lvs.dataplane.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.collections.Long2LongHashMap;

/**
 * IPv4 address → Ethernet address, per interface: what the data plane writes as the destination MAC.
 * Owned by the data-plane agent (single thread, no locks). Seeded from the kernel's neighbour table
 * ({@code /proc/net/arp}) and kept current from every ARP packet the agent sees; a missing entry is
 * resolved by an ARP request from user space, at most one per address per {@link #RETRY_NS}.
 */
public final class NeighbourTable {
    /** Returned by {@link #mac} when the neighbour is not known. */
    public static final long UNKNOWN = -1L;
    /** Minimum time between two ARP requests for the same address. */
    public static final long RETRY_NS = 1_000_000_000L;
    private static final int ATF_COM = 0x2;

    private final Long2LongHashMap macs = new Long2LongHashMap(1024, 0.6f, UNKNOWN);
    private final Long2LongHashMap lastRequestNs = new Long2LongHashMap(256, 0.6f, Long.MIN_VALUE);

    private static long key(int ifIndex, int address) {
        return (long) ifIndex << 32 | (address & 0xffffffffL);
    }

    /** The MAC of {@code address} on interface {@code ifIndex}, or {@link #UNKNOWN}. */
    public long mac(int ifIndex, int address) {
        return macs.get(key(ifIndex, address));
    }

    /** Records (or refreshes) a neighbour. */
    public void learn(int ifIndex, int address, long mac) {
        if (address != 0 && mac != 0) {
            macs.put(key(ifIndex, address), mac);
        }
    }

    /**
     * True if an ARP request for {@code address} should be sent now (none was sent in the last
     * {@link #RETRY_NS}); records that one is being sent.
     */
    public boolean shouldRequest(int ifIndex, int address, long nowNs) {
        long k = key(ifIndex, address);
        long last = lastRequestNs.get(k);
        if (last != Long.MIN_VALUE && nowNs - last < RETRY_NS) {
            return false;
        }
        lastRequestNs.put(k, nowNs);
        return true;
    }

    public int size() {
        return macs.size();
    }

    /** One complete entry of the kernel's table. */
    public record Entry(int address, long mac, String interfaceName) {
    }

    /** Complete entries of {@code /proc/net/arp} (control path). */
    public static List<Entry> readKernelTable() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/net/arp")));
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<Entry> parse(List<String> lines) {
        java.util.ArrayList<Entry> entries = new java.util.ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || (Integer.decode(f[2]) & ATF_COM) == 0) {
                continue;
            }
            String[] q = f[0].split("\\.");
            int address = Integer.parseInt(q[0]) << 24 | Integer.parseInt(q[1]) << 16
                | Integer.parseInt(q[2]) << 8 | Integer.parseInt(q[3]);
            entries.add(new Entry(address, Long.parseLong(f[3].replace(":", ""), 16), f[5]));
        }
        return entries;
    }
}
