package lvs.cli.ipvsadm;

import java.util.List;
import lvs.cli.render.ListFormat;
import lvs.cli.render.Listings;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.Timeouts;
import lvs.table.IpvsControl;
import lvs.table.IpvsException;
import lvs.table.TableView;

/**
 * The rest of ipvsadm's {@code process_options} for one command line: scheduler flags, the option
 * matrix, the per-command checks, then the "kernel" call or the listing. Returns what ipvsadm returns
 * (0, or -1 after a kernel or popt error); anything that makes ipvsadm {@code exit()} throws {@link Exit}.
 */
final class IpvsadmProgram {
    /** The kernel's default connection hash size, for the header printed when the dump itself fails. */
    private static final int DEFAULT_CONNECTION_TABLE_SIZE = 4096;

    private final Io io;
    private final IpvsControl control;
    private final CommandLineReader reader;
    private final Listings listings;

    IpvsadmProgram(Io io, IpvsControl control, IpvsadmEnvironment env) {
        this.io = io;
        this.control = control;
        this.reader = new CommandLineReader(io, env.names());
        this.listings = new Listings(env.resolver());
    }

    /** ipvsadm with no arguments: {@code -L} without {@code -n}. */
    int listEverything() {
        listAll(ListFormat.DEFAULT);
        return 0;
    }

    /** One command line (argv after argv[0], or one {@code -R} line). */
    int processOptions(List<String> args, boolean reading) {
        Invocation inv = reader.read(args, reading);
        if (inv == null) {
            return -1;
        }
        if (inv.schedFlags != null && !inv.schedFlags.isEmpty()) {
            int flags = SchedFlags.parse(inv.service.scheduler, inv.schedFlags, io);
            inv.service.flags = (inv.service.flags & ~ServiceFlags.SCHED_MASK) | flags;
        }
        OptionMatrix.checkCommand(inv.command, inv.options, io);
        return switch (inv.command) {
            case ADD_SERVICE, EDIT_SERVICE -> serviceCommand(inv);
            case ADD_SERVER, EDIT_SERVER -> serverCommand(inv);
            case DELETE_SERVICE -> call(LibipvsCall.DEL_SERVICE, () -> control.deleteService(key(inv)));
            case DELETE_SERVER -> call(LibipvsCall.DEL_DEST,
                () -> control.deleteRealServer(key(inv), inv.serverAddress, inv.serverPort));
            case FLUSH -> call(LibipvsCall.OTHER, control::flush);
            case ZERO -> inv.has(OptionBit.SERVICE) && !zeroesEverything(inv.service)
                ? call(LibipvsCall.ZERO_SERVICE, () -> control.zeroService(key(inv)))
                : call(LibipvsCall.OTHER, control::zeroAll);
            case SET_TIMEOUT -> call(LibipvsCall.OTHER, () -> control.setTimeouts(
                new Timeouts(inv.tcpTimeout, inv.tcpFinTimeout, inv.udpTimeout)));
            case START_DAEMON -> call(LibipvsCall.START_DAEMON, () -> control.startDaemon(
                new IpvsControl.SyncDaemonRequest(inv.daemonState,
                    inv.mcastInterface.isEmpty() ? "eth0" : inv.mcastInterface, inv.syncId, inv.syncMaxLength,
                    inv.mcastGroup, inv.mcastPort, inv.mcastTtl)));
            case STOP_DAEMON -> call(LibipvsCall.STOP_DAEMON, () -> control.stopDaemon(inv.daemonState, inv.syncId));
            case LIST -> list(inv);
            case SAVE -> save(inv);
            case RESTORE -> new Restore(io, this).run();
            case HELP, VERSION -> 0; // printed and exited while reading the command
        };
    }

    /**
     * libipvs sends {@code -Z} without a service attribute when mark, address and port are all zero
     * ({@code -Z -t 0.0.0.0}), and the kernel then zeroes everything.
     */
    private static boolean zeroesEverything(ServiceDraft svc) {
        return svc.fwmark == 0 && svc.port == 0 && svc.address.equals(lvs.model.InetAddress.any(svc.address.family()));
    }

    private int serviceCommand(Invocation inv) {
        ServiceDraft svc = inv.service;
        if (svc.fwmark == 0 && svc.port == 0 && (svc.flags & ServiceFlags.PERSISTENT) == 0) {
            throw io.fail("Zero port specified for non-persistent service");
        }
        if ((svc.flags & ServiceFlags.ONEPACKET) != 0 && svc.fwmark == 0 && svc.protocol != ServiceDraft.PROTO_UDP) {
            throw io.fail("One-Packet Scheduling is only for UDP virtual services");
        }
        String scheduler = svc.scheduler.isEmpty() ? "wlc" : svc.scheduler;
        ServiceSpec spec = new ServiceSpec(key(inv), scheduler, svc.persistenceEngine, svc.flags,
            (svc.flags & ServiceFlags.PERSISTENT) != 0 ? svc.timeout : 0, svc.netmask);
        return inv.command == Command.ADD_SERVICE
            ? call(LibipvsCall.ADD_SERVICE, () -> control.addService(spec))
            : call(LibipvsCall.UPDATE_SERVICE, () -> control.editService(spec));
    }

    private int serverCommand(Invocation inv) {
        ServiceDraft svc = inv.service;
        boolean tunnel = inv.method == ForwardingMethod.TUNNEL;
        int port = inv.serverPort;
        if ((tunnel || inv.method == ForwardingMethod.ROUTE) && svc.fwmark == 0) {
            port = svc.port; // DR and tunnels cannot change the port
        }
        if (svc.family != inv.serverFamily && !tunnel) {
            throw io.fail("Different address family is allowed only for tunneling servers");
        }
        boolean tunnelOptions = inv.has(OptionBit.TUN_TYPE) || inv.has(OptionBit.TUN_PORT)
            || inv.has(OptionBit.TUN_NOCSUM) || inv.has(OptionBit.TUN_CSUM) || inv.has(OptionBit.TUN_REMCSUM);
        if (tunnelOptions && !tunnel) {
            throw io.fail("Tunnel options conflict with forward method");
        }
        OptionMatrix.checkTunnel(inv.tunnelType, inv.options, io);
        RealServerSpec spec = new RealServerSpec(inv.serverAddress, port, inv.method, (int) inv.weight,
            inv.upperThreshold, inv.lowerThreshold, inv.tunnelType, inv.tunnelPort, inv.tunnelFlags);
        return inv.command == Command.ADD_SERVER
            ? call(LibipvsCall.ADD_DEST, () -> control.addRealServer(key(inv), spec))
            : call(LibipvsCall.UPDATE_DEST, () -> control.editRealServer(key(inv), spec));
    }

    private int list(Invocation inv) {
        boolean summary = inv.has(OptionBit.CONNECTION) || inv.has(OptionBit.TIMEOUT) || inv.has(OptionBit.DAEMON);
        boolean columns = inv.has(OptionBit.STATS) || inv.has(OptionBit.RATE) || inv.has(OptionBit.THRESHOLDS);
        boolean timeoutOrDaemon = inv.has(OptionBit.TIMEOUT) || inv.has(OptionBit.DAEMON);
        if ((summary && columns) || (timeoutOrDaemon && inv.has(OptionBit.PERSISTENT_CONN))) {
            throw io.fail("options conflicts in the list command");
        }
        ListFormat format = format(inv);
        if (inv.has(OptionBit.CONNECTION)) {
            try {
                listings.connections(control.connections(), format, io.out);
            } catch (IpvsException e) {
                throw io.exit(1, "cannot open file /proc/net/ip_vs_conn");
            }
        } else if (inv.has(OptionBit.SERVICE)) {
            try {
                listings.service(control.service(key(inv)), format, io.out);
            } catch (IpvsException e) {
                throw io.exit(1, KernelErrorText.of(LibipvsCall.GET_SERVICE, e.errno()));
            }
        } else if (inv.has(OptionBit.TIMEOUT)) {
            try {
                Listings.timeouts(control.timeouts(), io.out);
            } catch (IpvsException e) {
                throw new Exit(1); // ipvsadm exits quietly here
            }
        } else if (inv.has(OptionBit.DAEMON)) {
            try {
                Listings.daemons(control.daemons(), io.out);
            } catch (IpvsException e) {
                throw new Exit(1);
            }
        } else {
            listAll(format);
        }
        return 0;
    }

    /** The header goes out before the services are fetched, so it is there even when the fetch fails. */
    private void listAll(ListFormat format) {
        TableView table;
        try {
            table = control.dump();
        } catch (IpvsException e) {
            Listings.versionLine(IpvsControl.VERSION_CODE, DEFAULT_CONNECTION_TABLE_SIZE, io.out);
            throw io.exit(1, KernelErrorText.of(LibipvsCall.GET_SERVICES, e.errno()));
        }
        listings.table(IpvsControl.VERSION_CODE, table, format, io.out);
    }

    private int save(Invocation inv) {
        try {
            listings.rules(control.dump(), inv.has(OptionBit.NUMERIC), io.out);
        } catch (IpvsException e) {
            throw io.exit(1, KernelErrorText.of(LibipvsCall.GET_SERVICES, e.errno()));
        }
        return 0;
    }

    private static ListFormat format(Invocation inv) {
        return new ListFormat(inv.has(OptionBit.NUMERIC), inv.has(OptionBit.EXACT), inv.has(OptionBit.NOSORT),
            inv.has(OptionBit.STATS), inv.has(OptionBit.RATE), inv.has(OptionBit.THRESHOLDS),
            inv.has(OptionBit.PERSISTENT_CONN), inv.has(OptionBit.TUN_INFO));
    }

    private static ServiceKey key(Invocation inv) {
        ServiceDraft svc = inv.service;
        if (svc.fwmark != 0) {
            return ServiceKey.ofFwmark(svc.family, svc.fwmark);
        }
        return ServiceKey.of(Protocol.ofNumber(svc.protocol), svc.address, svc.port);
    }

    private interface KernelCall {
        void run() throws IpvsException;
    }

    /** A libipvs call: on error ipvsadm prints {@code ipvs_strerror} and returns -1 (it does not exit). */
    private int call(LibipvsCall which, KernelCall kernelCall) {
        try {
            kernelCall.run();
            return 0;
        } catch (IpvsException e) {
            io.err.print(KernelErrorText.of(which, e.errno()) + "\n");
            return -1;
        }
    }
}
