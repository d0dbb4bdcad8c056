package lvs.table;

import lvs.model.InetAddress;

/**
 * One line of {@code /proc/net/ip_vs_conn}: what {@code ipvsadm -L -c} lists.
 *
 * @param protocolName    {@code TCP}, {@code UDP}, {@code SCTP}, or {@code IP} for a fwmark template
 * @param stateName       the kernel's state name, e.g. {@code ESTABLISHED}, {@code FIN_WAIT}, {@code NONE}
 * @param expiresSeconds  seconds until expiry, rounded as the kernel prints it
 * @param persistenceEngine PE name, or empty
 * @param peData          PE data as printed, or empty
 */
public record ConnectionView(String protocolName, InetAddress clientAddress, int clientPort,
                             InetAddress virtualAddress, int virtualPort,
                             InetAddress destinationAddress, int destinationPort,
                             String stateName, long expiresSeconds,
                             String persistenceEngine, String peData) {
}
