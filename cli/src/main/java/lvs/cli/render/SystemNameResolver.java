package lvs.cli.render;

import lvs.model.InetAddress;
import lvs.model.Protocol;

/** Host names from /etc/hosts, then the system resolver; port names from /etc/services. */
final class SystemNameResolver implements NameResolver {
    static NameResolver create() {
        return new SystemNameResolver();
    }

    @Override
    public String hostName(InetAddress address) {
        return null;
    }

    @Override
    public String serviceName(int port, Protocol protocol) {
        return null;
    }
}
