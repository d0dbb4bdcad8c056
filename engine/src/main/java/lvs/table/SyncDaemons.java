package lvs.table;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import lvs.model.InetAddress;
import lvs.model.SyncDaemonSpec;
import lvs.model.SyncDaemonSpec.State;

/**
 * The running sync daemons and the kernel's rules for starting one ({@code ip_vs_genl_new_daemon},
 * {@code start_sync_thread}): defaults, maxlen from the MTU, and the errno order. Not thread-safe;
 * the table calls it under its lock.
 */
final class SyncDaemons {
    static final InetAddress DEFAULT_GROUP = InetAddress.ofIpv4(0xe0000051); // 224.0.0.81
    static final int DEFAULT_PORT = 8848;
    static final int DEFAULT_TTL = 1;
    /** The master's sync messages are sized for a 1500-byte link, whatever the interface says. */
    private static final int MASTER_MTU = 1500;
    private static final int MAX_PACKET = 65535;

    private final Map<State, SyncDaemonSpec> running = new EnumMap<>(State.class);
    private final NetworkInterfaces interfaces;

    SyncDaemons(NetworkInterfaces interfaces) {
        this.interfaces = interfaces;
    }

    boolean anyRunning() {
        return !running.isEmpty();
    }

    /** Master first, then backup, as the kernel dumps them. */
    List<SyncDaemonSpec> list() {
        return new ArrayList<>(running.values());
    }

    /**
     * Validates and starts; {@code mixedFamilyServers} is whether any real server's family differs from
     * its service's, which a sync daemon cannot carry.
     */
    void start(IpvsControl.SyncDaemonRequest r, boolean mixedFamilyServers) throws IpvsException {
        InetAddress group = r.group();
        if (group != null && !isMulticast(group)) {
            throw new IpvsException(Errno.EINVAL);
        }
        if (mixedFamilyServers) {
            throw new IpvsException(Errno.EINVAL);
        }
        if (group == null) {
            group = DEFAULT_GROUP;
        }
        int port = r.port() != 0 ? r.port() : DEFAULT_PORT;
        int ttl = r.ttl() != 0 ? r.ttl() : DEFAULT_TTL;
        String ifName = r.interfaceName() == null ? "" : r.interfaceName();
        OptionalInt ifMtu = interfaces.mtu(ifName);
        if (ifMtu.isEmpty()) {
            throw new IpvsException(Errno.ENODEV);
        }
        int maxLength = maxLength(r.state(), r.maxLength(), ifMtu.getAsInt(), group.isIpv6());
        if (running.containsKey(r.state())) {
            throw new IpvsException(Errno.EEXIST);
        }
        running.put(r.state(), new SyncDaemonSpec(r.state(), ifName, r.syncId(), maxLength, group, port, ttl));
    }

    void stop(State state) throws IpvsException {
        if (running.remove(state) == null) {
            throw new IpvsException(Errno.ESRCH);
        }
    }

    /** A given maxlen is clamped; otherwise it is the link's MTU less the IP and UDP headers. */
    static int maxLength(State state, int requested, int interfaceMtu, boolean ipv6Group) {
        int headers = ipv6Group ? 40 + 8 : 20 + 8;
        if (requested != 0) {
            int min = state == State.BACKUP ? 1024 : 1;
            return Math.min(Math.max(requested, min), MAX_PACKET - headers);
        }
        int mtu = state == State.BACKUP ? Math.min(Math.max(interfaceMtu, 1500), MAX_PACKET) : MASTER_MTU;
        return mtu - headers;
    }

    private static boolean isMulticast(InetAddress a) {
        return a.isIpv6() ? a.byteAt(0) == 0xff : (a.byteAt(0) & 0xf0) == 0xe0;
    }
}
