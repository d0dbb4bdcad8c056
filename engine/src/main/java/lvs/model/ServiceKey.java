package lvs.model;

import java.util.Objects;

/**
 * What identifies a virtual service: either protocol + address + port ({@code -t/-u/--sctp-service}),
 * or a firewall mark ({@code -f}) with an address family. For a fwmark service {@code protocol} is
 * what ipvsadm sends (TCP), {@code address} is the family's zero address and {@code port} is 0.
 *
 * @param family   address family of the service (for fwmark services: IPv4 unless {@code -6})
 * @param protocol transport protocol
 * @param address  virtual IP (zero address for fwmark services)
 * @param port     virtual port 0..65535 (0 = any port, only with persistence)
 * @param fwmark   firewall mark 1..2^32-1, or 0 for a protocol/address/port service
 */
public record ServiceKey(AddressFamily family, Protocol protocol, InetAddress address, int port, long fwmark) {
    public ServiceKey {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        if (fwmark < 0 || fwmark > 0xffffffffL) {
            throw new IllegalArgumentException("fwmark " + fwmark);
        }
    }

    /** A {@code -t/-u/--sctp-service} key. */
    public static ServiceKey of(Protocol protocol, InetAddress address, int port) {
        return new ServiceKey(address.family(), protocol, address, port, 0);
    }

    /** A {@code -f} key. */
    public static ServiceKey ofFwmark(AddressFamily family, long fwmark) {
        return new ServiceKey(family, Protocol.TCP, InetAddress.any(family), 0, fwmark);
    }

    public boolean isFwmark() {
        return fwmark != 0;
    }
}
