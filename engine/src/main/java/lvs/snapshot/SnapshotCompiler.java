package lvs.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Ipv6Routes;
import lvs.dataplane.net.Nic;
import lvs.model.AddressFamily;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.Timeouts;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.collections.IntArrayList;

/**
 * Builds a {@link TableSnapshot} from the table's entries (control path, one thread). Scheduler
 * instances are kept across compiles for a service whose id and scheduler name are unchanged, so
 * round-robin positions survive unrelated changes. The data-plane thread, the only one that touches
 * scheduler state, tells each scheduler about its service when it installs a snapshot
 * ({@link ServiceScheduler#destinationsChanged}); the scheduler works out what changed since the
 * snapshot it saw last, so skipped snapshots do not matter.
 */
public final class SnapshotCompiler {
    private final CounterSlots slots;
    private final ServiceScheduler.Factory schedulers;
    private Map<Long, Kept> kept = new HashMap<>();

    /** A scheduler kept from the last compile, with what it was built for. */
    private record Kept(String name, ServiceScheduler scheduler) {
    }

    public SnapshotCompiler(CounterSlots slots, ServiceScheduler.Factory schedulers) {
        this.slots = slots;
        this.schedulers = schedulers;
    }

    /** Compiles {@code services} (dump order, real servers newest first) with the given environment. */
    public TableSnapshot compile(List<ServiceEntry> services, Timeouts timeouts, List<Nic> nics, Ipv4Routes routes,
                                 long generation) {
        return compile(services, timeouts, nics, routes, Ipv6Routes.NONE, generation);
    }

    /** The same with IPv6 routes for the IPv6 services' next hops. */
    public TableSnapshot compile(List<ServiceEntry> services, Timeouts timeouts, List<Nic> nics, Ipv4Routes routes,
                                 Ipv6Routes routes6, long generation) {
        // Counter slots first: an object without one (more live objects than slots) is left out.
        long sequence = slots.beginCompile();
        List<ServiceEntry> included = new ArrayList<>();
        IntArrayList serviceSlots = new IntArrayList();
        IntArrayList destinationSlots = new IntArrayList(); // per included service's same-family real server
        int destinations = 0;
        for (ServiceEntry s : services) {
            ServiceKey k = s.spec().key();
            int serviceSlot = slots.slotFor(s.id());
            if (serviceSlot == CounterSlots.NO_SLOT) {
                int unslotted = 0;
                for (RealServerEntry d : s.realServers()) {
                    if (d.spec().address().family() == k.family()) {
                        unslotted++;
                    }
                }
                slots.countUnslotted(unslotted);
                continue;
            }
            included.add(s);
            serviceSlots.addInt(serviceSlot);
            for (RealServerEntry d : s.realServers()) {
                if (d.spec().address().family() == k.family()) {
                    int slot = slots.slotFor(d.id());
                    destinationSlots.addInt(slot);
                    if (slot != CounterSlots.NO_SLOT) {
                        destinations++;
                    }
                }
            }
        }
        slots.endCompile(sequence);
        TableSnapshot.Builder b = new TableSnapshot.Builder();
        int n = included.size();
        b.serviceCount = n;
        b.serviceId = new long[n];
        b.serviceProtocol = new int[n];
        b.serviceAddress = new int[n];
        b.serviceFamily = new int[n];
        b.serviceAddressHi = new long[n];
        b.serviceAddressLo = new long[n];
        b.servicePort = new int[n];
        b.serviceFlags = new int[n];
        b.serviceCounterSlot = new int[n];
        b.serviceFwmark = new int[n];
        b.servicePersistenceSeconds = new int[n];
        b.servicePersistenceEngine = new int[n];
        b.serviceNetmask = new long[n];
        b.firstDestination = new int[n];
        b.destinationCount = new int[n];
        b.scheduler = new ServiceScheduler[n];
        b.destinationTotal = destinations;
        b.destinationId = new long[destinations];
        b.destinationService = new int[destinations];
        b.destinationAddress = new int[destinations];
        b.destinationAddressHi = new long[destinations];
        b.destinationAddressLo = new long[destinations];
        b.destinationPort = new int[destinations];
        b.destinationMethod = new int[destinations];
        b.destinationWeight = new int[destinations];
        b.destinationCounterSlot = new int[destinations];
        b.destinationUpperThreshold = new long[destinations];
        b.destinationLowerThreshold = new long[destinations];
        b.destinationTunnelType = new int[destinations];
        b.destinationTunnelPort = new int[destinations];
        b.destinationTunnelFlags = new int[destinations];
        b.destinationSourceAddress = new int[destinations];
        b.destinationSourceAddressHi = new long[destinations];
        b.destinationSourceAddressLo = new long[destinations];
        long[] source6 = new long[2];
        b.tcpTimeoutSeconds = timeouts.tcpSeconds();
        b.tcpFinTimeoutSeconds = timeouts.tcpFinSeconds();
        b.udpTimeoutSeconds = timeouts.udpSeconds();
        b.routes = routes;
        b.routes6 = routes6;
        b.nics = nics.toArray(new Nic[0]);
        b.generation = generation;
        b.sequence = sequence;

        Map<Long, Kept> nextKept = new HashMap<>();
        int d = 0;
        int nextSlot = 0;
        for (int s = 0; s < n; s++) {
            ServiceEntry e = included.get(s);
            ServiceKey k = e.spec().key();
            b.serviceId[s] = e.id();
            b.serviceProtocol[s] = k.protocol().number();
            boolean v6 = k.family() == AddressFamily.INET6;
            b.serviceFamily[s] = k.family().kernelValue();
            b.serviceAddressHi[s] = hi(k.address());
            b.serviceAddressLo[s] = lo(k.address());
            b.servicePort[s] = k.port();
            b.serviceFlags[s] = e.spec().flags();
            b.serviceCounterSlot[s] = serviceSlots.getInt(s);
            b.servicePersistenceSeconds[s] = e.spec().isPersistent() ? e.spec().timeoutSeconds() : 0;
            b.servicePersistenceEngine[s] = lvs.conn.TemplatePeData.engineOf(e.spec().persistenceEngine());
            b.serviceNetmask[s] = e.spec().netmask();
            if (k.isFwmark()) {
                b.serviceFwmark[s] = (int) k.fwmark();
                (v6 ? b.serviceByMark6 : b.serviceByMark).put((int) k.fwmark(), s);
                b.fwmarkServiceSlots.add(b.serviceCounterSlot[s]);
            } else if (v6) {
                b.serviceByKey6.put(b.serviceAddressHi[s], b.serviceAddressLo[s],
                    TableSnapshot.key6(b.serviceProtocol[s], k.port()), s);
                b.virtualAddresses6.put(b.serviceAddressHi[s], b.serviceAddressLo[s], 0, s);
            } else {
                b.serviceAddress[s] = k.address().ipv4();
                b.serviceByKey.put(TableSnapshot.key(b.serviceProtocol[s], b.serviceAddress[s], k.port()), s);
                b.virtualAddresses.add(b.serviceAddress[s]);
            }
            b.firstDestination[s] = d;
            for (RealServerEntry r : e.realServers()) {
                RealServerSpec spec = r.spec();
                if (spec.address().family() != k.family()) {
                    continue; // mixed families need an IPv4-in-IPv6 (or reverse) tunnel: not here
                }
                int slot = destinationSlots.getInt(nextSlot++);
                if (slot == CounterSlots.NO_SLOT) {
                    continue; // no counter slot: not forwarded (counted in CounterSlots#unslottedObjects)
                }
                b.destinationId[d] = r.id();
                b.destinationService[d] = s;
                b.destinationAddress[d] = v6 ? 0 : spec.address().ipv4();
                b.destinationAddressHi[d] = hi(spec.address());
                b.destinationAddressLo[d] = lo(spec.address());
                b.destinationPort[d] = spec.port();
                b.destinationMethod[d] = spec.method().kernelValue();
                b.destinationWeight[d] = spec.weight();
                b.destinationCounterSlot[d] = slot;
                b.destinationUpperThreshold[d] = spec.upperThreshold();
                b.destinationLowerThreshold[d] = spec.lowerThreshold();
                b.destinationTunnelType[d] = spec.tunnelType().kernelValue();
                b.destinationTunnelPort[d] = spec.tunnelPort();
                b.destinationTunnelFlags[d] = spec.tunnelFlags();
                if (spec.address().family() == AddressFamily.INET) {
                    b.destinationSourceAddress[d] = routes.preferredSource(spec.address().ipv4(), nics);
                } else if (routes6.preferredSource(b.destinationAddressHi[d], b.destinationAddressLo[d], nics, source6)) {
                    b.destinationSourceAddressHi[d] = source6[0];
                    b.destinationSourceAddressLo[d] = source6[1];
                }
                d++;
            }
            b.destinationCount[s] = d - b.firstDestination[s];

            String name = e.spec().scheduler();
            Kept old = kept.get(e.id());
            ServiceScheduler scheduler;
            if (old != null && old.name().equals(name)) {
                scheduler = old.scheduler();
            } else {
                scheduler = schedulers.create(name);
            }
            b.scheduler[s] = scheduler;
            nextKept.put(e.id(), new Kept(name, scheduler));
        }
        kept = nextKept;
        return new TableSnapshot(b);
    }

    /** Bytes 0..7 of an IPv6 address; 0 for IPv4 (see {@link lvs.packet.FlowKey}). */
    private static long hi(lvs.model.InetAddress a) {
        return a.isIpv6() ? (long) a.word(0) << 32 | (a.word(1) & 0xffffffffL) : 0;
    }

    /** Bytes 8..15 of an IPv6 address; an IPv4 address as an unsigned 32-bit value. */
    private static long lo(lvs.model.InetAddress a) {
        return a.isIpv6() ? (long) a.word(2) << 32 | (a.word(3) & 0xffffffffL) : a.ipv4() & 0xffffffffL;
    }
}
