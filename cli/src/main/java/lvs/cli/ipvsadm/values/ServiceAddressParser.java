package lvs.cli.ipvsadm.values;

import lvs.model.InetAddress;

/**
 * ipvsadm's {@code parse_service}: {@code host[:port]} or {@code [ipv6]:port}, with its quirks kept:
 * digit-only text is refused, an unbracketed IPv6 literal has no port, {@code [v4]:port} loses its port,
 * the host is split at the last colon, and a named port is looked up for the protocol known so far.
 */
public final class ServiceAddressParser {
    private final NameService names;

    public ServiceAddressParser(NameService names) {
        this.names = names;
    }

    /**
     * @param text      the option's argument
     * @param protoName "tcp", "udp", "sctp", or null when no protocol is known yet (no named ports)
     * @return the parse, or null when ipvsadm would reject the whole address
     */
    public ParsedAddress parse(String text, String protoName) {
        if (text == null || text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        String host = text;
        String portText = null;
        boolean bracketed = false;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return null;
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
            bracketed = true;
        }
        byte[] v6 = InetPton6.parse(host);
        InetAddress address;
        if (v6 != null) {
            address = InetAddress.of(v6);
        } else {
            // Re-split the (bracket-stripped) host at its last colon; for [v4]:port this finds none.
            portText = null;
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                portText = host.substring(colon + 1);
                host = host.substring(0, colon);
            }
            long v4 = InetAton.parse(host);
            if (v4 < 0) {
                v4 = names.hostToIpv4(host);
            }
            if (v4 < 0) {
                return null;
            }
            address = InetAddress.ofIpv4((int) v4);
        }
        if (v6 != null && !bracketed) {
            portText = null;
        }
        if (portText == null) {
            return new ParsedAddress(address, -1);
        }
        long port = CNumbers.stringToNumber(portText, 0, 65535);
        if (port == CNumbers.INVALID) {
            port = protoName == null ? -1 : names.serviceToPort(portText, protoName);
        }
        if (port < 0) {
            return null;
        }
        return new ParsedAddress(address, (int) port);
    }
}
