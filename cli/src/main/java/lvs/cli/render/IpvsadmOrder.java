package lvs.cli.render;

import java.util.Comparator;
import java.util.List;
import lvs.model.InetAddress;
import lvs.model.ServiceKey;
import lvs.table.RealServerView;
import lvs.table.ServiceView;

/**
 * ipvsadm's default sort ({@code ipvs_cmp_services}, {@code ipvs_cmp_dests}) fed to glibc's merge sort.
 * Each step subtracts two values; addresses and fwmarks subtract as 32-bit words that wrap and are
 * read as signed, so 10.x and 192.168.x compare "backwards" and the order is not transitive.
 */
final class IpvsadmOrder {
    private static final Comparator<ServiceView> SERVICES = (x, y) -> {
        ServiceKey a = x.spec().key();
        ServiceKey b = y.spec().key();
        int r = (int) a.fwmark() - (int) b.fwmark();
        if (r != 0) {
            return r;
        }
        r = a.family().kernelValue() - b.family().kernelValue();
        if (r != 0) {
            return r;
        }
        r = dumpedProtocol(a) - dumpedProtocol(b);
        if (r != 0) {
            return r;
        }
        r = compareAddresses(a.address(), b.address());
        return r != 0 ? r : a.port() - b.port();
    };

    private static final Comparator<RealServerView> REAL_SERVERS = (x, y) -> {
        int r = compareAddresses(x.spec().address(), y.spec().address());
        return r != 0 ? r : x.spec().port() - y.spec().port();
    };

    private IpvsadmOrder() {
    }

    static List<ServiceView> services(List<ServiceView> dumpOrder) {
        return GlibcMergeSort.sorted(dumpOrder, SERVICES);
    }

    static List<RealServerView> realServers(List<RealServerView> listOrder) {
        return GlibcMergeSort.sorted(listOrder, REAL_SERVERS);
    }

    /** A netlink dump reports protocol 0 for fwmark services. */
    static int dumpedProtocol(ServiceKey key) {
        return key.isFwmark() ? 0 : key.protocol().number();
    }

    /**
     * The first address's family decides: IPv4 compares one word, IPv6 up to four (an IPv4 address is
     * its word followed by zeros, as in the kernel's address union).
     */
    static int compareAddresses(InetAddress a, InetAddress b) {
        int words = a.isIpv6() ? 4 : 1;
        for (int i = 0; i < words; i++) {
            int r = word(a, i) - word(b, i);
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    private static int word(InetAddress a, int i) {
        return a.isIpv6() || i == 0 ? a.word(i) : 0;
    }
}
