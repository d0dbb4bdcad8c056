package lvs.snapshot;

import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Ipv6KeyMap;
import lvs.dataplane.net.Ipv6Routes;
import lvs.dataplane.net.Nic;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;

/**
 * The virtual server table as the data plane reads it: immutable, dense ids, primitive lookups.
 * Compiled by {@link SnapshotCompiler} on the control path after every change and handed to the
 * data-plane agent by reference. IPv4 and IPv6 services; a service's destinations are those of its own
 * family. IPv4 addresses are in the {@code int} arrays; every address is also in the (hi, lo) arrays,
 * with {@link lvs.packet.FlowKey}'s convention (IPv4: hi 0, lo the unsigned address).
 *
 * <p>Service {@code s} owns destinations {@code firstDestination[s] .. firstDestination[s] +
 * destinationCount[s] - 1}, in the kernel's list order (newest first), which is what schedulers see.
 */
public final class TableSnapshot {
    /** {@link #service} result when no service matches. */
    public static final int NO_SERVICE = -1;

    final Long2LongHashMap serviceByKey;
    /** Firewall mark → service, for {@code -f} services (IPv4); looked up before address and port (§1.2). */
    final Int2IntHashMap serviceByMark;
    /** The same for {@code -f N -6} services: the kernel keys fwmark services by (family, mark). */
    final Int2IntHashMap serviceByMark6;
    /** Counter slots of the {@code -f} services (what a connection records as its service). */
    final IntHashSet fwmarkServiceSlots;
    final IntHashSet virtualAddresses;
    final Ipv6KeyMap serviceByKey6;
    final Ipv6KeyMap virtualAddresses6;

    public final int serviceCount;
    public final long[] serviceId;
    public final int[] serviceProtocol;
    public final int[] serviceAddress;
    /** {@link lvs.packet.FlowKey#FAMILY_INET} or {@link lvs.packet.FlowKey#FAMILY_INET6}. */
    public final int[] serviceFamily;
    public final long[] serviceAddressHi;
    public final long[] serviceAddressLo;
    public final int[] servicePort;
    public final int[] serviceFlags;
    public final int[] serviceCounterSlot;
    /** The service's firewall mark, 0 for an address/port service. */
    public final int[] serviceFwmark;
    /** Persistence timeout ({@code -p}), seconds; 0 when not persistent. */
    public final int[] servicePersistenceSeconds;
    /** Persistence engine ({@code --pe}): {@link lvs.conn.TemplatePeData#SIP} or {@code NONE}. */
    public final int[] servicePersistenceEngine;
    /** Persistence netmask ({@code -M}): IPv4 mask in host order, or IPv6 prefix length (ServiceSpec's form). */
    public final long[] serviceNetmask;
    public final int[] firstDestination;
    public final int[] destinationCount;
    /** Resolved scheduler per service (kept across snapshots while the service's scheduler is unchanged). */
    public final ServiceScheduler[] scheduler;

    public final int destinationTotal;
    public final long[] destinationId;
    public final int[] destinationService;
    public final int[] destinationAddress;
    public final long[] destinationAddressHi;
    public final long[] destinationAddressLo;
    public final int[] destinationPort;
    /** {@code lvs.model.ForwardingMethod#kernelValue()}: 0 = Masq. */
    public final int[] destinationMethod;
    public final int[] destinationWeight;
    public final int[] destinationCounterSlot;
    public final long[] destinationUpperThreshold;
    public final long[] destinationLowerThreshold;
    /** TUN settings per destination: {@code lvs.model.TunnelType#kernelValue()}, {@code --tun-port}, encap flags. */
    public final int[] destinationTunnelType;
    public final int[] destinationTunnelPort;
    public final int[] destinationTunnelFlags;
    /** Preferred source address of the route to each IPv4 destination (TUN's outer source; the kernel caches it per dest). */
    public final int[] destinationSourceAddress;
    /** The same for each IPv6 destination, as (hi, lo) halves; 0/0 when there is none. */
    public final long[] destinationSourceAddressHi;
    public final long[] destinationSourceAddressLo;
    /** Destination index by counter slot (what a connection records), -1 when gone. */
    private final org.agrona.collections.Int2IntHashMap destinationBySlot;

    /** Connection idle timeouts ({@code --set}), seconds. */
    public final int tcpTimeoutSeconds;
    public final int tcpFinTimeoutSeconds;
    public final int udpTimeoutSeconds;

    public final Ipv4Routes routes;
    public final Ipv6Routes routes6;
    public final Int2ObjectHashMap<Nic> nicByIndex;
    public final Nic[] nics;
    public final long generation;
    /** The compile that made this snapshot ({@link CounterSlots#beginCompile}; 0 when built by hand). */
    public final long sequence;

    TableSnapshot(Builder b) {
        serviceByKey = b.serviceByKey;
        serviceByMark = b.serviceByMark;
        serviceByMark6 = b.serviceByMark6;
        fwmarkServiceSlots = b.fwmarkServiceSlots;
        serviceFwmark = b.serviceFwmark;
        virtualAddresses = b.virtualAddresses;
        serviceByKey6 = b.serviceByKey6;
        virtualAddresses6 = b.virtualAddresses6;
        serviceCount = b.serviceCount;
        serviceId = b.serviceId;
        serviceProtocol = b.serviceProtocol;
        serviceAddress = b.serviceAddress;
        serviceFamily = b.serviceFamily;
        serviceAddressHi = b.serviceAddressHi;
        serviceAddressLo = b.serviceAddressLo;
        servicePort = b.servicePort;
        serviceFlags = b.serviceFlags;
        serviceCounterSlot = b.serviceCounterSlot;
        servicePersistenceSeconds = b.servicePersistenceSeconds;
        servicePersistenceEngine = b.servicePersistenceEngine;
        serviceNetmask = b.serviceNetmask;
        firstDestination = b.firstDestination;
        destinationCount = b.destinationCount;
        scheduler = b.scheduler;
        destinationTotal = b.destinationTotal;
        destinationId = b.destinationId;
        destinationService = b.destinationService;
        destinationAddress = b.destinationAddress;
        destinationAddressHi = b.destinationAddressHi;
        destinationAddressLo = b.destinationAddressLo;
        destinationPort = b.destinationPort;
        destinationMethod = b.destinationMethod;
        destinationWeight = b.destinationWeight;
        destinationCounterSlot = b.destinationCounterSlot;
        destinationUpperThreshold = b.destinationUpperThreshold;
        destinationLowerThreshold = b.destinationLowerThreshold;
        destinationTunnelType = b.destinationTunnelType;
        destinationTunnelPort = b.destinationTunnelPort;
        destinationTunnelFlags = b.destinationTunnelFlags;
        destinationSourceAddress = b.destinationSourceAddress;
        destinationSourceAddressHi = b.destinationSourceAddressHi;
        destinationSourceAddressLo = b.destinationSourceAddressLo;
        destinationBySlot = new org.agrona.collections.Int2IntHashMap(-1);
        for (int d = 0; d < b.destinationTotal; d++) {
            destinationBySlot.put(b.destinationCounterSlot[d], d);
        }
        tcpTimeoutSeconds = b.tcpTimeoutSeconds;
        tcpFinTimeoutSeconds = b.tcpFinTimeoutSeconds;
        udpTimeoutSeconds = b.udpTimeoutSeconds;
        routes = b.routes;
        routes6 = b.routes6;
        nics = b.nics;
        nicByIndex = new Int2ObjectHashMap<>();
        for (Nic n : nics) {
            nicByIndex.put(n.index(), n);
        }
        generation = b.generation;
        sequence = b.sequence;
    }

    static long key(int protocol, int address, int port) {
        return (long) protocol << 48 | (long) port << 32 | (address & 0xffffffffL);
    }

    /** The service for {@code protocol address:port}, then the port-0 (any port) service; or {@link #NO_SERVICE}. */
    public int service(int protocol, int address, int port) {
        long s = serviceByKey.get(key(protocol, address, port));
        if (s < 0 && port != 0) {
            s = serviceByKey.get(key(protocol, address, 0));
        }
        return (int) s;
    }

    static int key6(int protocol, int port) {
        return protocol << 16 | port;
    }

    /** The IPv6 service for {@code protocol [hi lo]:port}, then the port-0 one; or {@link #NO_SERVICE}. */
    public int service6(int protocol, long hi, long lo, int port) {
        long s = serviceByKey6.get(hi, lo, key6(protocol, port));
        if (s < 0 && port != 0) {
            s = serviceByKey6.get(hi, lo, key6(protocol, 0));
        }
        return (int) s;
    }

    /** True when some IPv6 service uses the address as its VIP (for the neighbour-solicitation responder). */
    public boolean isVirtualAddress6(long hi, long lo) {
        return virtualAddresses6.containsKey(hi, lo, 0);
    }

    /** The destination whose counter slot a connection recorded, or -1 when it is no longer in the table. */
    public int destinationForSlot(int counterSlot) {
        return destinationBySlot.get(counterSlot);
    }

    /**
     * The persistence timeout in milliseconds as an unsigned 32-bit value, the form the connection table
     * keeps timeouts in (the 31-day maximum does not fit a signed int).
     */
    public int servicePersistenceTimeoutMs(int service) {
        return (int) (servicePersistenceSeconds[service] * 1000L);
    }

    /** The IPv4 {@code -f} service for firewall mark {@code mark}, or {@link #NO_SERVICE} (also for mark 0). */
    public int serviceForMark(int mark) {
        return mark == 0 ? NO_SERVICE : serviceByMark.get(mark);
    }

    /**
     * The {@code -f} service of family {@code family} ({@link lvs.packet.FlowKey#FAMILY_INET} or
     * {@code FAMILY_INET6}) for firewall mark {@code mark}, or {@link #NO_SERVICE} (also for mark 0).
     */
    public int serviceForMark(int family, int mark) {
        if (mark == 0) {
            return NO_SERVICE;
        }
        return family == lvs.packet.FlowKey.FAMILY_INET6 ? serviceByMark6.get(mark) : serviceByMark.get(mark);
    }

    /** True when counter slot {@code slot} (a connection's service) is a {@code -f} service's. */
    public boolean isFwmarkServiceSlot(int slot) {
        return fwmarkServiceSlots.contains(slot);
    }

    /** True when some {@code -f} service exists (only then can a packet arrive by its mark). */
    public boolean hasFwmarkServices() {
        return !serviceByMark.isEmpty() || !serviceByMark6.isEmpty();
    }

    /** True when some service uses {@code address} as its VIP (for the ARP responder and the guard). */
    public boolean isVirtualAddress(int address) {
        return virtualAddresses.contains(address);
    }

    /** The interface with kernel index {@code ifIndex}, or null when lvsd is not attached to it. */
    public Nic nic(int ifIndex) {
        return nicByIndex.get(ifIndex);
    }

    /** Mutable arrays the compiler fills. */
    static final class Builder {
        Long2LongHashMap serviceByKey = new Long2LongHashMap(-1);
        Int2IntHashMap serviceByMark = new Int2IntHashMap(-1);
        Int2IntHashMap serviceByMark6 = new Int2IntHashMap(-1);
        IntHashSet fwmarkServiceSlots = new IntHashSet();
        int[] serviceFwmark;
        IntHashSet virtualAddresses = new IntHashSet();
        Ipv6KeyMap serviceByKey6 = new Ipv6KeyMap(16, -1);
        Ipv6KeyMap virtualAddresses6 = new Ipv6KeyMap(16, -1);
        int serviceCount;
        long[] serviceId;
        int[] serviceProtocol;
        int[] serviceAddress;
        int[] serviceFamily;
        long[] serviceAddressHi;
        long[] serviceAddressLo;
        int[] servicePort;
        int[] serviceFlags;
        int[] serviceCounterSlot;
        int[] servicePersistenceSeconds;
        int[] servicePersistenceEngine;
        long[] serviceNetmask;
        int[] firstDestination;
        int[] destinationCount;
        ServiceScheduler[] scheduler;
        int destinationTotal;
        long[] destinationId;
        int[] destinationService;
        int[] destinationAddress;
        long[] destinationAddressHi;
        long[] destinationAddressLo;
        int[] destinationPort;
        int[] destinationMethod;
        int[] destinationWeight;
        int[] destinationCounterSlot;
        long[] destinationUpperThreshold;
        long[] destinationLowerThreshold;
        int[] destinationTunnelType;
        int[] destinationTunnelPort;
        int[] destinationTunnelFlags;
        int[] destinationSourceAddress;
        long[] destinationSourceAddressHi;
        long[] destinationSourceAddressLo;
        int tcpTimeoutSeconds;
        int tcpFinTimeoutSeconds;
        int udpTimeoutSeconds;
        Ipv4Routes routes;
        Ipv6Routes routes6 = Ipv6Routes.NONE;
        Nic[] nics;
        long generation;
        long sequence;
    }
}
