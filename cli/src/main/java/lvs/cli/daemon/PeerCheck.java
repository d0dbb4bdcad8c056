package lvs.cli.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the control socket: root, as for the kernel's IPVS control (CAP_NET_ADMIN), and the
 * user lvsd itself runs as (an unprivileged lvsd for development can only serve its own user).
 * The socket's 0600 mode already keeps others out; this check does not depend on it.
 */
final class PeerCheck {
    private static final String SELF = System.getProperty("user.name");

    private PeerCheck() {
    }

    /** The peer's user name (or uid when it has no name), from SO_PEERCRED. */
    static String peerUser(SocketChannel ch) throws IOException {
        UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return p.user().getName();
    }

    static boolean allowed(String user) {
        return user.equals("root") || user.equals("0") || user.equals(SELF);
    }
}
