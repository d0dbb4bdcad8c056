package lvs.cli.render;

import lvs.model.InetAddress;
import lvs.model.Protocol;

/**
 * ipvsadm's {@code addrport_to_anyname}: {@code ADDR:PORT}, IPv6 in brackets, names unless numeric.
 * The result lives in a 60-byte buffer, so it is cut to 59 characters.
 */
final class AddressPort {
    private static final int BUFFER_CHARS = 59;

    private final NameResolver names;
    private final boolean numeric;

    AddressPort(NameResolver names, boolean numeric) {
        this.names = names;
        this.numeric = numeric;
    }

    /** @param protocol the protocol whose port names apply, or null for numeric ports (fwmark, IP) */
    String format(InetAddress address, int port, Protocol protocol) {
        String host = null;
        String service = null;
        if (!numeric) {
            host = names.hostName(address);
            service = protocol == null ? null : names.serviceName(port, protocol);
        }
        String a = host != null ? host : address.toString();
        String p = service != null ? service : Integer.toString(port);
        String s = address.isIpv6() ? "[" + a + "]:" + p : a + ":" + p;
        return Text.cut(s, BUFFER_CHARS);
    }
}
