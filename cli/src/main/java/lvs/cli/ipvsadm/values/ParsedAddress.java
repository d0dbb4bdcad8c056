package lvs.cli.ipvsadm.values;

import lvs.model.InetAddress;

/**
 * What ipvsadm's {@code parse_service} made of {@code host[:port]}.
 *
 * @param address the address (its family tells IPv4 from IPv6)
 * @param port    the port, or -1 when the text had none (the caller keeps its previous port)
 */
public record ParsedAddress(InetAddress address, int port) {
    public boolean hasPort() {
        return port >= 0;
    }
}
