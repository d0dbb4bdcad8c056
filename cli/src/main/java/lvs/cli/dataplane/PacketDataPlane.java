package lvs.cli.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import lvs.cli.daemon.LvsdOptions;
import lvs.cli.daemon.PacketEngine;
import lvs.dataplane.Forwarder;
import lvs.dataplane.TableRules;
import lvs.dataplane.net.Nic;
import lvs.dataplane.net.NicDiscovery;
import lvs.fwd.dr.DirectRoutingForwarder;
import lvs.fwd.nat.MasqueradeForwarder;
import lvs.fwd.tun.TunnelForwarder;
import lvs.io.PacketIo;
import lvs.io.afpacket.AfPacket;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.kernel.FwmarkQueueRules;
import lvs.io.nfqueue.NfQueueSocket;
import lvs.io.xdp.XdpConfig;
import lvs.io.xdp.XdpPacketIo;
import lvs.snapshot.TableSnapshot;
import lvs.model.ForwardingMethod;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.SpiScheduler;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;

/**
 * lvsd's packet data plane: attaches AF_PACKET to the chosen interfaces (all usable non-loopback
 * ones of lvsd's namespace by default), keeps the kernel away from forwarded traffic, and runs the
 * engine's forwarding agent with the NAT forwarder. When there is nothing to attach to, or AF_PACKET
 * is unavailable, lvsd keeps serving ipvsadm with the control plane alone.
 */
public final class PacketDataPlane implements PacketEngine {
    /**
     * Counter slots (live services + real servers, plus deleted ones until their connections expire;
     * slots are recycled, see CounterSlots: 10,000 x 10 = 110,000 fits with room for churn) and
     * connection table size.
     */
    private static final int MAX_OBJECTS = Integer.getInteger("lvsd.maxObjects", 262_144);
    private static final int MAX_CONNECTIONS = Integer.getInteger("lvsd.maxConnections", 1 << 17);
    /** The NFQUEUE queue marked packets come back on ({@code -f} services, docs/fwmark.md); "LV" = 0x4c56. */
    private static final int FWMARK_QUEUE = Integer.getInteger("lvsd.fwmarkQueue", 0x4c56);

    private final lvs.dataplane.DataPlane engine = new lvs.dataplane.DataPlane(MAX_OBJECTS, MAX_CONNECTIONS);
    private final ServiceScheduler.Factory schedulers;
    private KernelGuardUpdater guard;
    /** {@code --io xdp}: the backend whose XDP programs steer the guarded traffic; null otherwise. */
    private XdpPacketIo steering;
    private NfQueueSocket markedPackets;
    private FwmarkQueueUpdater fwmarkRules;
    private boolean started;

    public PacketDataPlane(ServiceScheduler.Factory schedulers) {
        this.schedulers = schedulers;
    }

    /** The default engine (every built-in scheduler); also what {@code ServiceLoader<PacketEngine>} finds. */
    public PacketDataPlane() {
        this(SpiScheduler.factory(BuiltinSchedulers::create));
    }

    /** The counters and connection listing the table shows; valid before {@link #start}. */
    @Override
    public StatsSource stats() {
        return engine.stats();
    }

    @Override
    public void start(VirtualServerTable table, List<String> interfaces) throws Exception {
        start(table, interfaces, LvsdOptions.ReceivePath.AUTO, LvsdOptions.PacketIoKind.AF_PACKET);
    }

    @Override
    public void start(VirtualServerTable table, LvsdOptions options) throws Exception {
        start(table, options.interfaces(), options.rx(), options.io());
    }

    /**
     * {@code -Dlvsd.qdiscBypass=true}: send with PACKET_QDISC_BYPASS (skips the egress qdisc, so no
     * traffic control and no tcpdump on lvsd's output); for measuring, off by default.
     */
    private static final boolean QDISC_BYPASS = Boolean.getBoolean("lvsd.qdiscBypass");

    /** The AF_PACKET tuning for lvsd's {@code --rx} choice. */
    static AfPacketConfig afPacketConfig(LvsdOptions.ReceivePath rx) {
        AfPacketConfig io = switch (rx) {
            case AUTO -> AfPacketConfig.ADAPTIVE;
            case RING -> AfPacketConfig.THROUGHPUT;
            case RECVMMSG -> AfPacketConfig.DEFAULT;
        };
        return io.withHostFramesOnly(true) // the kernel copies only what a director's stack would look at
            .withQdiscBypass(QDISC_BYPASS);
    }

    private void start(VirtualServerTable table, List<String> interfaces, LvsdOptions.ReceivePath rx,
                       LvsdOptions.PacketIoKind kind) throws Exception {
        List<String> names = new ArrayList<>();
        if (interfaces.isEmpty()) {
            for (Nic n : NicDiscovery.usableInterfaces()) {
                names.add(n.name());
            }
        } else {
            names.addAll(interfaces);
        }
        if (names.isEmpty()) {
            log("no usable network interface; forwarding is off (control plane only)");
            return;
        }
        if (!AfPacket.isAvailable()) {
            log("AF_PACKET is unavailable (" + AfPacket.unavailabilityCause() + "); forwarding is off");
            return;
        }
        PacketIo io = null;
        IntConsumer wakeAlsoOn;
        String how;
        XdpPacketIo xdp = kind == LvsdOptions.PacketIoKind.XDP ? openXdp(rx, names) : null;
        if (xdp != null) {
            io = xdp;
            wakeAlsoOn = xdp::wakeAlsoOn;
            how = "AF_XDP (" + String.join(", ", xdp.attachModes()) + " XDP) for guarded traffic, AF_PACKET "
                + rx.optionValue + " for the rest";
        } else {
            AfPacketIo afPacket;
            try {
                afPacket = AfPacketIo.open(afPacketConfig(rx), names.toArray(new String[0]));
            } catch (Exception | LinkageError e) {
                log("cannot attach to " + names + " (" + e + "); forwarding is off");
                return;
            }
            io = afPacket;
            wakeAlsoOn = afPacket::wakeAlsoOn;
            how = "--rx " + rx.optionValue + ": " + afPacket.describeReceivePaths();
        }
        guard = KernelGuardUpdater.open(names);
        steering = xdp;
        openMarkedPackets(wakeAlsoOn);
        Forwarder[] forwarders = new Forwarder[ForwardingMethod.values().length];
        forwarders[ForwardingMethod.MASQUERADE.kernelValue()] = new MasqueradeForwarder();
        forwarders[ForwardingMethod.ROUTE.kernelValue()] = new DirectRoutingForwarder();
        forwarders[ForwardingMethod.TUNNEL.kernelValue()] = new TunnelForwarder();
        engine.start(new TableRules(table), io, forwarders, schedulers, () -> describe(names), listeners());
        started = true;
        log("forwarding on " + String.join(", ", names) + " (" + how + ")");
    }

    /**
     * {@code --io xdp}: the AF_XDP backend, or null (logged) to fall back to AF_PACKET alone.
     * {@code -Dlvsd.xdpAttach=auto|driver|generic} chooses how the XDP program is attached (auto: native
     * where the driver has it). On veth, native XDP runs in the sender's CPU; generic runs after RPS.
     * {@code -Dlvsd.xdpSpinNs=N}: how long to watch the AF_XDP rings after a busy poll before sleeping.
     */
    private static XdpPacketIo openXdp(LvsdOptions.ReceivePath rx, List<String> names) {
        try {
            XdpConfig.AttachMode mode = XdpConfig.AttachMode.valueOf(
                System.getProperty("lvsd.xdpAttach", "auto").toUpperCase(java.util.Locale.ROOT));
            long spinNs = Long.getLong("lvsd.xdpSpinNs", XdpConfig.DEFAULT.spinNs());
            return XdpPacketIo.open(XdpConfig.DEFAULT.withAttachMode(mode).withSpinNs(spinNs), afPacketConfig(rx),
                names.toArray(new String[0]));
        } catch (Exception | LinkageError e) {
            log("--io xdp: cannot use AF_XDP on " + names + " (" + e.getMessage() + "); using AF_PACKET alone");
            return null;
        }
    }

    /**
     * Blocks until forwarding uses table generation {@code generation} (at most {@code timeoutMs}), so
     * that a reply to ipvsadm can promise what the kernel's does: the change is live. No-op when not
     * forwarding.
     */
    @Override
    public void awaitApplied(long generation, long timeoutMs) {
        if (started) {
            engine.awaitApplied(generation, timeoutMs);
        }
    }

    /** Firewall-mark services: marked packets come back from the kernel on an NFQUEUE queue. */
    private void openMarkedPackets(IntConsumer wakeAlsoOn) {
        try {
            markedPackets = NfQueueSocket.open(FWMARK_QUEUE);
        } catch (Exception | LinkageError e) {
            log("firewall-mark services are off: cannot read NFQUEUE queue " + FWMARK_QUEUE + " (" + e.getMessage() + ")");
            return;
        }
        wakeAlsoOn.accept(markedPackets.fd());
        engine.receiveMarkedPackets(markedPackets);
        fwmarkRules = new FwmarkQueueUpdater(new FwmarkQueueRules(FWMARK_QUEUE), FwmarkQueueRules.ipv6(FWMARK_QUEUE));
    }

    /** The kernel guard, then the fwmark queue rules, around each published snapshot. */
    private lvs.dataplane.DataPlane.SnapshotListener listeners() {
        KernelGuardUpdater g = guard;
        FwmarkQueueUpdater f = fwmarkRules;
        XdpPacketIo x = steering;
        return new lvs.dataplane.DataPlane.SnapshotListener() {
            @Override
            public void beforePublish(TableSnapshot snapshot) {
                g.beforePublish(snapshot);
                steer(x, g);
                if (f != null) {
                    f.beforePublish(snapshot);
                }
            }

            @Override
            public void afterPublish(TableSnapshot snapshot) {
                g.afterPublish(snapshot);
                steer(x, g);
            }
        };
    }

    /**
     * {@code --io xdp}: XDP redirects exactly what the guard drops for the kernel, so no frame the kernel
     * would have seen is taken from it (a deleted target stays steered for the microseconds between the
     * nft run and the map update; it was dropped for the kernel until the nft run anyway).
     */
    private static void steer(XdpPacketIo xdp, KernelGuardUpdater guard) {
        if (xdp != null) {
            int refused = xdp.steer(guard.guarded());
            if (refused > 0) {
                log("XDP steering map full: " + refused + " targets keep the AF_PACKET path");
            }
        }
    }

    private static List<Nic> describe(List<String> names) {
        List<Nic> nics = new ArrayList<>();
        for (String name : names) {
            Nic n = NicDiscovery.byName(name);
            if (n != null) {
                nics.add(n);
            }
        }
        return nics;
    }

    @Override
    public void close() {
        if (started) {
            engine.close();
        }
        if (guard != null) {
            guard.close();
        }
        if (fwmarkRules != null) {
            fwmarkRules.close();
        }
        if (markedPackets != null) {
            markedPackets.close(); // after the agent stopped: it was the only reader
        }
    }

    private static void log(String message) {
        System.err.println("lvsd: " + message);
    }
}
