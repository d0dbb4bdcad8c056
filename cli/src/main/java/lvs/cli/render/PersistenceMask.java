package lvs.cli.render;

import lvs.model.AddressFamily;
import lvs.model.InetAddress;
import lvs.model.ServiceSpec;

/** The persistence netmask as ipvsadm shows it: only when it is not the family's full mask. */
final class PersistenceMask {
    private PersistenceMask() {
    }

    /** {@code 255.255.255.0} or {@code 64}, or null for /32 and /128. */
    static String text(ServiceSpec spec) {
        long mask = spec.netmask() & 0xffffffffL;
        if (spec.key().family() == AddressFamily.INET6) {
            return mask == 128 ? null : Integer.toString((int) mask);
        }
        return mask == 0xffffffffL ? null : InetAddress.ofIpv4((int) mask).toString();
    }
}
