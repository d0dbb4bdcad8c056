package lvs.table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lvs.model.InetAddress;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;

/**
 * The virtual server table with the kernel's semantics ({@code ip_vs_ctl.c} as the ipvsadm oracle
 * emulates it): the same checks in the same order, the same errnos, and the same dump order. Every
 * modifying call checks everything before it changes anything, so it applies completely or not at
 * all. One lock makes it a single writer; callers on several threads are fine.
 *
 * <p>Order: services live in a 256-bucket hash (newest first in a bucket) and a fwmark hash after it;
 * real servers in a list with the newest first. Both orders follow from creation order alone, so
 * replaying {@link #entriesInCreationOrder()} into an empty table reproduces them exactly.
 */
public final class VirtualServerTable implements IpvsControl {
    /** What {@code -L} prints as {@code size=}: the connection hash table size. */
    public static final int CONNECTION_TABLE_SIZE = 4096;
    /** The kernel's HZ on Debian; {@code --set} values above INT_MAX/HZ overflow jiffies. */
    static final int HZ = 250;
    static final String PERSISTENCE_ENGINE_SIP = "sip";
    /** Accepted by recent kernels as "no scheduler". */
    static final String NO_SCHEDULER = "none";

    private final Object lock = new Object();
    private final StatsSource stats;
    private final SyncDaemons daemons;
    private final int hashSalt;
    /** Creation order; the key of a fwmark service is normalised (see {@link #lookupKey}). */
    private final Map<ServiceKey, LiveService> services = new LinkedHashMap<>();
    private Timeouts timeouts = Timeouts.KERNEL_DEFAULTS;
    private long nextId = 1;
    private long generation;
    /** Told of every change (after the generation moved), under the table's lock: must be quick. */
    private volatile Runnable changeListener = () -> { };

    /** A table with no data plane (all counters 0) that checks the host's real interfaces. */
    public VirtualServerTable() {
        this(StatsSource.ZEROS, NetworkInterfaces.system());
    }

    public VirtualServerTable(StatsSource stats, NetworkInterfaces interfaces) {
        this(stats, interfaces, 0);
    }

    /** @param hashSalt the kernel's per-boot salt (low byte used); 0 matches the oracle */
    public VirtualServerTable(StatsSource stats, NetworkInterfaces interfaces, int hashSalt) {
        this.stats = stats;
        this.daemons = new SyncDaemons(interfaces);
        this.hashSalt = hashSalt;
    }

    // ---- services -------------------------------------------------------------------------------

    @Override
    public void addService(ServiceSpec service) throws IpvsException {
        synchronized (lock) {
            ServiceKey key = lookupKey(service.key());
            if (services.containsKey(key)) {
                throw new IpvsException(Errno.EEXIST);
            }
            checkServiceSettings(service);
            long id = nextId++;
            services.put(key, new LiveService(id, stored(key, service)));
            changed();
        }
    }

    @Override
    public void editService(ServiceSpec service) throws IpvsException {
        synchronized (lock) {
            LiveService live = find(service.key());
            checkServiceSettings(service);
            live.spec = stored(live.spec.key(), service);
            changed();
        }
    }

    @Override
    public void deleteService(ServiceKey key) throws IpvsException {
        synchronized (lock) {
            find(key);
            services.remove(lookupKey(key));
            changed();
        }
    }

    @Override
    public void flush() {
        synchronized (lock) {
            services.clear();
            changed();
        }
    }

    @Override
    public void zeroService(ServiceKey key) throws IpvsException {
        synchronized (lock) {
            LiveService live = find(key);
            stats.zero(live.id);
            for (RealServerEntry d : live.realServers) {
                stats.zero(d.id());
            }
        }
    }

    @Override
    public void zeroAll() {
        synchronized (lock) {
            stats.zeroAll();
        }
    }

    // ---- real servers ---------------------------------------------------------------------------

    @Override
    public void addRealServer(ServiceKey service, RealServerSpec server) throws IpvsException {
        synchronized (lock) {
            LiveService live = find(service);
            checkFamily(live, server);
            checkRealServerSettings(server);
            if (live.indexOf(server.address(), server.port()) >= 0) {
                throw new IpvsException(Errno.EEXIST);
            }
            if (!DestinationAddressRules.isAcceptable(server.address())) {
                throw new IpvsException(Errno.EINVAL);
            }
            live.realServers.add(0, new RealServerEntry(nextId++, server)); // list_add: newest first
            changed();
        }
    }

    @Override
    public void editRealServer(ServiceKey service, RealServerSpec server) throws IpvsException {
        synchronized (lock) {
            LiveService live = find(service);
            checkFamily(live, server);
            checkRealServerSettings(server);
            int i = live.indexOf(server.address(), server.port());
            if (i < 0) {
                throw new IpvsException(Errno.ENOENT);
            }
            live.realServers.set(i, new RealServerEntry(live.realServers.get(i).id(), server));
            changed();
        }
    }

    @Override
    public void deleteRealServer(ServiceKey service, InetAddress address, int port) throws IpvsException {
        synchronized (lock) {
            LiveService live = find(service);
            int i = live.indexOf(address, port);
            if (i < 0) {
                throw new IpvsException(Errno.ENOENT);
            }
            live.realServers.remove(i);
            changed();
        }
    }

    // ---- timeouts and daemons -------------------------------------------------------------------

    @Override
    public void setTimeouts(Timeouts t) throws IpvsException {
        synchronized (lock) {
            int max = Integer.MAX_VALUE / HZ;
            for (int v : new int[] {t.tcpSeconds(), t.tcpFinSeconds(), t.udpSeconds()}) {
                if (v < 0 || v > max) {
                    throw new IpvsException(Errno.EINVAL);
                }
            }
            timeouts = new Timeouts(
                t.tcpSeconds() != 0 ? t.tcpSeconds() : timeouts.tcpSeconds(),
                t.tcpFinSeconds() != 0 ? t.tcpFinSeconds() : timeouts.tcpFinSeconds(),
                t.udpSeconds() != 0 ? t.udpSeconds() : timeouts.udpSeconds());
            changed();
        }
    }

    @Override
    public Timeouts timeouts() {
        synchronized (lock) {
            return timeouts;
        }
    }

    @Override
    public void startDaemon(SyncDaemonRequest request) throws IpvsException {
        synchronized (lock) {
            daemons.start(request, hasMixedFamilyRealServers());
            changed();
        }
    }

    @Override
    public void stopDaemon(SyncDaemonSpec.State state, int syncId) throws IpvsException {
        synchronized (lock) {
            daemons.stop(state); // the kernel ignores the sync id here
            changed();
        }
    }

    @Override
    public List<SyncDaemonSpec> daemons() {
        synchronized (lock) {
            return daemons.list();
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    @Override
    public TableView dump() {
        synchronized (lock) {
            List<ServiceView> views = new ArrayList<>(services.size());
            for (LiveService s : dumpOrder()) {
                views.add(view(s));
            }
            return new TableView(CONNECTION_TABLE_SIZE, views);
        }
    }

    @Override
    public ServiceView service(ServiceKey key) throws IpvsException {
        synchronized (lock) {
            return view(find(key));
        }
    }

    @Override
    public List<ConnectionView> connections() {
        return stats.connections();
    }

    /**
     * Services oldest first, each with its real servers oldest first: adding them in this order to an
     * empty table rebuilds the same hash-bucket and list orders (and so the same {@code --nosort}).
     */
    public List<ServiceEntry> entriesInCreationOrder() {
        synchronized (lock) {
            List<ServiceEntry> out = new ArrayList<>(services.size());
            for (LiveService s : services.values()) {
                List<RealServerEntry> oldestFirst = new ArrayList<>(s.realServers);
                java.util.Collections.reverse(oldestFirst);
                out.add(new ServiceEntry(s.id, s.spec, oldestFirst));
            }
            return out;
        }
    }

    /** Services in dump order, real servers in the kernel's list order (newest first): what schedulers see. */
    public List<ServiceEntry> entriesInDumpOrder() {
        synchronized (lock) {
            List<ServiceEntry> out = new ArrayList<>(services.size());
            for (LiveService s : dumpOrder()) {
                out.add(new ServiceEntry(s.id, s.spec, s.realServers));
            }
            return out;
        }
    }

    /**
     * Runs {@code listener} after every change that succeeds, on the changing thread while it holds the
     * table's lock, so it must only signal (e.g. wake lvsd's snapshot thread), never call back in.
     */
    public void onChange(Runnable listener) {
        changeListener = java.util.Objects.requireNonNull(listener);
    }

    private void changed() {
        generation++;
        changeListener.run();
    }

    /** Incremented by every change that succeeds; lets persistence and snapshots notice changes cheaply. */
    public long generation() {
        synchronized (lock) {
            return generation;
        }
    }

    /** Throws IllegalStateException if the table breaks a rule the kernel guarantees. For tests. */
    public void checkInvariants() {
        synchronized (lock) {
            TableInvariants.check(services, daemons.anyRunning(), nextId);
        }
    }

    // ---- rules ----------------------------------------------------------------------------------

    /** The key the kernel's lookup uses: a fwmark service is found by mark and family only. */
    static ServiceKey lookupKey(ServiceKey key) {
        return key.isFwmark() ? ServiceKey.ofFwmark(key.family(), key.fwmark()) : key;
    }

    private LiveService find(ServiceKey key) throws IpvsException {
        LiveService live = services.get(lookupKey(key));
        if (live == null) {
            throw new IpvsException(Errno.ESRCH);
        }
        return live;
    }

    /** Scheduler, PE and IPv6 prefix, checked by add and edit alike. */
    private static void checkServiceSettings(ServiceSpec s) throws IpvsException {
        if (!isKnownScheduler(s.scheduler())) {
            throw new IpvsException(Errno.ENOENT);
        }
        if (!s.persistenceEngine().isEmpty() && !s.persistenceEngine().equals(PERSISTENCE_ENGINE_SIP)) {
            throw new IpvsException(Errno.ENOENT);
        }
        if (s.key().address().isIpv6() || s.key().family() == lvs.model.AddressFamily.INET6) {
            if (s.netmask() < 1 || s.netmask() > 128) {
                throw new IpvsException(Errno.EINVAL);
            }
        }
    }

    static boolean isKnownScheduler(String name) {
        return NO_SCHEDULER.equals(name) || lvs.sched.SchedulerRegistry.isKnown(name);
    }

    /** A real server of another family can only be reached through a tunnel, and never with sync running. */
    private void checkFamily(LiveService live, RealServerSpec server) throws IpvsException {
        if (server.address().family() != live.spec.key().family()) {
            if (daemons.anyRunning() || server.method() != lvs.model.ForwardingMethod.TUNNEL) {
                throw new IpvsException(Errno.EINVAL);
            }
        }
    }

    private static void checkRealServerSettings(RealServerSpec s) throws IpvsException {
        if (s.weight() < 0 || s.lowerThreshold() > s.upperThreshold()) {
            throw new IpvsException(Errno.ERANGE);
        }
        if (s.tunnelType() == lvs.model.TunnelType.GUE && s.tunnelPort() == 0) {
            throw new IpvsException(Errno.EINVAL);
        }
    }

    private boolean hasMixedFamilyRealServers() {
        for (LiveService s : services.values()) {
            for (RealServerEntry d : s.realServers) {
                if (d.spec().address().family() != s.spec.key().family()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What the kernel keeps: the normalised key, and the flags with HASHED set. */
    private static ServiceSpec stored(ServiceKey key, ServiceSpec s) {
        return new ServiceSpec(key, s.scheduler(), s.persistenceEngine(), s.flags() | ServiceFlags.HASHED,
            s.timeoutSeconds(), s.netmask());
    }

    /** The protocol/address/port table bucket by bucket, then the fwmark table; newest first in a bucket. */
    private List<LiveService> dumpOrder() {
        List<LiveService> order = new ArrayList<>(services.values());
        order.sort(Comparator.<LiveService>comparingInt(s -> s.spec.key().isFwmark() ? 1 : 0)
            .thenComparingInt(s -> ServiceHash.bucket(s.spec.key(), hashSalt))
            .thenComparing(Comparator.<LiveService>comparingLong(s -> s.id).reversed()));
        return order;
    }

    private ServiceView view(LiveService s) {
        List<RealServerView> dests = new ArrayList<>(s.realServers.size());
        for (RealServerEntry d : s.realServers) {
            StatsSource.ConnectionCounts c = stats.connectionCounts(d.id());
            dests.add(new RealServerView(d.spec(), c.active(), c.inactive(), c.persistent(),
                stats.counters(d.id()), stats.rates(d.id())));
        }
        return new ServiceView(s.spec, dests, stats.counters(s.id), stats.rates(s.id));
    }

    /** The mutable record behind one service; only touched under the lock. */
    static final class LiveService {
        final long id;
        ServiceSpec spec;
        /** Newest first, as the kernel's {@code svc->destinations}. */
        final List<RealServerEntry> realServers = new ArrayList<>();

        LiveService(long id, ServiceSpec spec) {
            this.id = id;
            this.spec = spec;
        }

        /** The kernel matches a real server on family, address and port. */
        int indexOf(InetAddress address, int port) {
            for (int i = 0; i < realServers.size(); i++) {
                RealServerSpec d = realServers.get(i).spec();
                if (d.port() == port && d.address().equals(address)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
