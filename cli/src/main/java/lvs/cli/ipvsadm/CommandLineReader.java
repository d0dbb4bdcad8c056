package lvs.cli.ipvsadm;

import java.util.List;
import lvs.cli.ipvsadm.popt.PoptEvent;
import lvs.cli.ipvsadm.popt.PoptTokenizer;
import lvs.cli.ipvsadm.values.CNumbers;
import lvs.cli.ipvsadm.values.NameService;
import lvs.cli.ipvsadm.values.ParsedAddress;
import lvs.cli.ipvsadm.values.ServiceAddressParser;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.SyncDaemonSpec;

/**
 * The first half of ipvsadm's {@code process_options}: the command (which must come first), then every
 * option in argv order, each value parsed the moment its option is seen, then {@code --set}'s values
 * and the leftover check. A bad value ends the run right there (fail), before any later popt error.
 */
final class CommandLineReader {
    /** {@code MAX_TIMEOUT}: 31 days. */
    static final long MAX_TIMEOUT = 86400L * 31;
    /** {@code IPVS_SVC_PERSISTENT_TIMEOUT}: what {@code -p} without a value means (not 300 as the man page says). */
    static final int DEFAULT_PERSISTENT_TIMEOUT = 360;
    /** The Debian build the goldens come from allows weights up to INT_MAX (upstream: 65535). */
    static final long MAX_WEIGHT = Integer.MAX_VALUE;

    private final Io io;
    private final NameService names;
    private final ServiceAddressParser addresses;

    CommandLineReader(Io io, NameService names) {
        this.io = io;
        this.names = names;
        this.addresses = new ServiceAddressParser(names);
    }

    /**
     * @param reading true for a line of {@code -R} (a nested {@code -R} is refused)
     * @return the invocation, or null after a popt error was printed (ipvsadm returns -1, no exit)
     */
    Invocation read(List<String> args, boolean reading) {
        PoptTokenizer<Opt> popt = new PoptTokenizer<>(Opt.TABLE, args);
        Invocation inv = new Invocation();
        PoptEvent<Opt> first = popt.next();
        if (!(first instanceof PoptEvent.Found<Opt> found) || found.option().tag().command() == null) {
            throw io.tryHelp();
        }
        readCommand(found.option().tag(), found.argument(), inv, reading);
        while (true) {
            PoptEvent<Opt> event = popt.next();
            if (event instanceof PoptEvent.End<Opt>) {
                break;
            }
            if (event instanceof PoptEvent.Error<Opt> e) {
                io.err.print(e.badOption() + ": " + e.message() + "\n");
                return null;
            }
            PoptEvent.Found<Opt> option = (PoptEvent.Found<Opt>) event;
            if (option.option().tag().command() != null) {
                throw io.fail("invalid option `" + option.argvWord() + "'");
            }
            readOption(option.option().tag(), option.argument(), inv);
        }
        List<String> leftovers = popt.leftovers();
        int used = 0;
        if (inv.command == Command.SET_TIMEOUT) {
            if (leftovers.size() < 3) {
                throw io.fail("--set option requires 3 timeout values");
            }
            inv.tcpTimeout = timeout(leftovers.get(0), 0);
            inv.tcpFinTimeout = timeout(leftovers.get(1), 0);
            inv.udpTimeout = timeout(leftovers.get(2), 0);
            used = 3;
        }
        if (leftovers.size() > used) {
            throw io.fail("unexpected argument " + leftovers.get(used));
        }
        return inv;
    }

    private void readCommand(Opt opt, String argument, Invocation inv, boolean reading) {
        inv.command = opt.command();
        switch (opt.command()) {
            case HELP -> {
                io.out.print(HelpText.usage(io.argv0));
                throw new Exit(0);
            }
            case VERSION -> {
                io.out.print(HelpText.VERSION_LINE);
                throw new Exit(0);
            }
            case RESTORE -> {
                if (reading) {
                    throw io.tryHelp();
                }
            }
            case START_DAEMON -> inv.daemonState = daemonState(argument, "illegal start-daemon parameter specified");
            case STOP_DAEMON -> inv.daemonState = daemonState(argument, "illegal start_daemon specified");
            default -> {
            }
        }
    }

    private SyncDaemonSpec.State daemonState(String argument, String error) {
        return switch (argument) {
            case "master" -> SyncDaemonSpec.State.MASTER;
            case "backup" -> SyncDaemonSpec.State.BACKUP;
            default -> throw io.fail(error);
        };
    }

    private void readOption(Opt opt, String arg, Invocation inv) {
        if (opt.bit() != null) {
            if (inv.options.contains(opt.bit())) {
                throw io.fail("multiple '" + opt.bit().internalName() + "' options specified");
            }
            inv.options.add(opt.bit());
        }
        ServiceDraft svc = inv.service;
        switch (opt) {
            case TCP_SERVICE, UDP_SERVICE, SCTP_SERVICE -> {
                svc.protocol = opt == Opt.TCP_SERVICE ? ServiceDraft.PROTO_TCP
                    : opt == Opt.UDP_SERVICE ? ServiceDraft.PROTO_UDP : ServiceDraft.PROTO_SCTP;
                ParsedAddress a = addresses.parse(arg, protoName(svc.protocol));
                if (a == null) {
                    throw io.fail("illegal virtual server address[:port] specified");
                }
                applyAddress(svc, a);
            }
            case FWMARK_SERVICE -> {
                svc.family = AddressFamily.INET;
                svc.protocol = ServiceDraft.PROTO_TCP;
                long mark = CNumbers.stringToNumber(arg, 1, 0xffffffffL);
                if (mark == CNumbers.INVALID) {
                    throw io.fail("invalid fwmark value `" + arg + "' specified");
                }
                svc.fwmark = mark;
            }
            case SCHEDULER -> svc.scheduler = truncate(arg, 15);
            case PERSISTENT -> {
                svc.flags |= lvs.model.ServiceFlags.PERSISTENT;
                svc.timeout = arg == null ? DEFAULT_PERSISTENT_TIMEOUT : timeout(arg, 1);
            }
            case NETMASK -> readNetmask(arg, svc);
            case REAL_SERVER -> {
                // ipvsadm parses -r into a copy of the service read so far: its protocol names the port.
                ServiceDraft copy = svc.copy();
                ParsedAddress a = addresses.parse(arg, protoName(copy.protocol));
                if (a == null) {
                    throw io.fail("illegal real server address[:port] specified");
                }
                applyAddress(copy, a);
                inv.serverFamily = copy.address.family();
                inv.serverAddress = copy.address;
                inv.serverPort = a.hasPort() ? copy.port : svc.port;
            }
            case MASQUERADING -> inv.method = ForwardingMethod.MASQUERADE;
            case IPIP -> inv.method = ForwardingMethod.TUNNEL;
            case GATEWAYING -> inv.method = ForwardingMethod.ROUTE;
            case WEIGHT -> inv.weight = number(arg, 0, MAX_WEIGHT, "illegal weight specified");
            case U_THRESHOLD -> inv.upperThreshold = number(arg, 0, Integer.MAX_VALUE, "illegal u_threshold specified");
            case L_THRESHOLD -> inv.lowerThreshold = number(arg, 0, Integer.MAX_VALUE, "illegal l_threshold specified");
            case MCAST_INTERFACE -> inv.mcastInterface = truncate(arg, 15);
            case SYNCID -> inv.syncId = (int) number(arg, 0, 255, "illegal syncid specified");
            case IPV6 -> {
                if (svc.fwmark == 0) {
                    throw io.fail("-6 used before -f\n");
                }
                svc.family = AddressFamily.INET6;
                svc.address = lvs.model.InetAddress.any(AddressFamily.INET6);
                svc.netmask = 128;
            }
            case OPS -> svc.flags |= lvs.model.ServiceFlags.ONEPACKET;
            case PE -> svc.persistenceEngine = truncate(arg, 16);
            case SCHED_FLAGS -> inv.schedFlags = truncate(arg, 127);
            case MCAST_GROUP -> inv.mcastGroup = McastGroup.parse(arg, io);
            case MCAST_PORT -> inv.mcastPort = (int) number(arg, 1, 65535, "illegal mcast-port specified");
            case MCAST_TTL -> inv.mcastTtl = (int) number(arg, 1, 255, "illegal mcast-ttl specified");
            case SYNC_MAXLEN -> inv.syncMaxLength = (int) number(arg, 1, 65507, "illegal sync-maxlen specified");
            case TUN_TYPE -> inv.tunnelType = switch (arg) {
                case "ipip" -> lvs.model.TunnelType.IPIP;
                case "gue" -> lvs.model.TunnelType.GUE;
                case "gre" -> lvs.model.TunnelType.GRE;
                default -> throw io.fail("illegal tunnel type specified");
            };
            case TUN_PORT -> inv.tunnelPort = (int) number(arg, 1, 65535, "illegal tunnel port specified");
            case TUN_NOCSUM -> inv.tunnelFlags = 0;
            case TUN_CSUM -> inv.tunnelFlags = lvs.model.RealServerSpec.TUNNEL_FLAG_CSUM;
            case TUN_REMCSUM -> inv.tunnelFlags = lvs.model.RealServerSpec.TUNNEL_FLAG_REMCSUM;
            default -> {
                // flags whose bit is all they mean: -n -c --timeout --daemon --stats --rate ...; --sort
            }
        }
    }

    private void readNetmask(String arg, ServiceDraft svc) {
        if (svc.family != AddressFamily.INET6) {
            long mask = lvs.cli.ipvsadm.values.InetAton.parse(arg);
            if (mask < 0) {
                mask = names.hostToIpv4(arg);
            }
            if (mask < 0) {
                throw io.fail("illegal virtual server persistent mask specified");
            }
            svc.netmask = mask;
        } else {
            long plen = CNumbers.atoi(arg) & 0xffffffffL;
            if (plen < 1 || plen > 128) {
                throw io.fail("illegal ipv6 netmask specified");
            }
            svc.netmask = plen;
        }
    }

    /** parse_service's effect on the struct: family and address always, port when given, /128 for IPv6. */
    private static void applyAddress(ServiceDraft target, ParsedAddress a) {
        target.address = a.address();
        target.family = a.address().family();
        if (a.address().isIpv6()) {
            target.netmask = 128;
        }
        if (a.hasPort()) {
            target.port = a.port();
        }
    }

    private int timeout(String text, long min) {
        long t = CNumbers.stringToNumber(text, min, MAX_TIMEOUT);
        if (t == CNumbers.INVALID) {
            throw io.fail("invalid timeout value `" + text + "' specified");
        }
        return (int) t;
    }

    private long number(String text, long min, long max, String error) {
        long n = CNumbers.stringToNumber(text, min, max);
        if (n == CNumbers.INVALID) {
            throw io.fail(error);
        }
        return n;
    }

    static String protoName(int protocol) {
        return switch (protocol) {
            case ServiceDraft.PROTO_TCP -> "tcp";
            case ServiceDraft.PROTO_UDP -> "udp";
            case ServiceDraft.PROTO_SCTP -> "sctp";
            default -> null;
        };
    }

    /** C's {@code strncpy} into a fixed buffer: at most {@code max} characters survive. */
    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
