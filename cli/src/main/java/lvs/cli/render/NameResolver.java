package lvs.cli.render;

import lvs.model.InetAddress;
import lvs.model.Protocol;

/**
 * Names for addresses and ports, what ipvsadm asks {@code gethostbyaddr} and {@code getservbyport} for
 * when {@code -n} is not given. Injectable so that tests never depend on the host's files or DNS.
 */
public interface NameResolver {
    /** Resolves nothing: every address and port prints as a number. */
    NameResolver NUMERIC = new NameResolver() {
        @Override
        public String hostName(InetAddress address) {
            return null;
        }

        @Override
        public String serviceName(int port, Protocol protocol) {
            return null;
        }
    };

    /** The host's canonical name for {@code address} ({@code h_name}), or null when it has none. */
    String hostName(InetAddress address);

    /** The service name for {@code port} under {@code protocol} ({@code s_name}), or null when there is none. */
    String serviceName(int port, Protocol protocol);

    /** /etc/hosts first, then the system resolver; port names from /etc/services. */
    static NameResolver system() {
        return SystemNameResolver.create();
    }
}
