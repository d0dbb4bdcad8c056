package lvs.dataplane.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv6 addresses of one interface, from {@code /proc/net/if_inet6} (the calling process's
 * namespace). Control path only. Addresses still in duplicate address detection are left out: they
 * cannot be the source of a neighbour solicitation yet.
 */
final class Ipv6Addresses {
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");
    private static final int IFA_F_DADFAILED = 0x08;
    private static final int IFA_F_TENTATIVE = 0x40;
    private static final int SCOPE_GLOBAL = 0x00;

    private Ipv6Addresses() {
    }

    /** (hi, lo) pairs, global addresses before link-local ones. */
    static long[] of(String interfaceName) {
        try {
            return parse(Files.readAllLines(IF_INET6), interfaceName);
        } catch (IOException e) {
            return new long[0];
        }
    }

    /** Lines "address ifindex prefixlen scope flags name", the address as 32 hex digits. */
    static long[] parse(List<String> lines, String interfaceName) {
        List<long[]> global = new ArrayList<>();
        List<long[]> other = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[5].equals(interfaceName) || f[0].length() != 32) {
                continue;
            }
            int flags = Integer.parseInt(f[4], 16);
            if ((flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0) {
                continue;
            }
            long[] a = {Long.parseUnsignedLong(f[0].substring(0, 16), 16), Long.parseUnsignedLong(f[0].substring(16), 16)};
            (Integer.parseInt(f[3], 16) == SCOPE_GLOBAL ? global : other).add(a);
        }
        global.addAll(other);
        long[] out = new long[global.size() * 2];
        for (int i = 0; i < global.size(); i++) {
            out[2 * i] = global.get(i)[0];
            out[2 * i + 1] = global.get(i)[1];
        }
        return out;
    }
}
