package lvs.cli.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;
import lvs.table.ConnectionView;
import lvs.table.IpvsControl;
import lvs.table.IpvsException;
import lvs.table.StatsSource;
import lvs.table.VirtualServerTable;

/**
 * Just enough of ipvsadm to replay the golden scripts (valid commands only, numeric addresses) against
 * {@link VirtualServerTable} and {@link Listings}, and to print the oracle's transcript format. The
 * real command line belongs to {@code lvs.cli.ipvsadm}; this exists so renderer goldens can come
 * straight from the real binary.
 */
final class MiniIpvsadm {
    private final VirtualServerTable table;
    private final Listings listings;

    MiniIpvsadm(NameResolver names, List<ConnectionView> connections) {
        StatsSource stats = new StatsSource() {
            @Override
            public List<ConnectionView> connections() {
                return connections;
            }
        };
        this.table = new VirtualServerTable(stats, name -> name.equals("lo") ? OptionalInt.of(65536) : OptionalInt.empty());
        this.listings = new Listings(names);
    }

    /** The oracle's transcript of a script: comments copied, each invocation with its stdout and exit. */
    String transcript(Path script) throws IOException {
        StringBuilder t = new StringBuilder();
        for (String line : Files.readAllLines(script)) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                t.append(line).append('\n');
                continue;
            }
            t.append("$ ipvsadm ").append(line).append('\n');
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                run(unclustered(line.trim().split("\\s+")), out);
            } catch (IpvsException e) {
                throw new AssertionError(line + ": " + e.errno(), e);
            }
            String out = bytes.toString(StandardCharsets.UTF_8);
            if (!out.isEmpty()) {
                String[] lines = out.split("\n", -1);
                for (int i = 0; i < lines.length - 1; i++) {
                    t.append("out| ").append(lines[i]).append('\n');
                }
                if (!lines[lines.length - 1].isEmpty()) {
                    t.append("out| ").append(lines[lines.length - 1]).append("\nout\\ no newline at end\n");
                }
            }
            t.append("[exit 0]\n");
        }
        return t.toString();
    }

    /** popt's {@code -Ln}: one option per letter. */
    private static List<String> unclustered(String[] words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (w.matches("-[A-Za-z]{2,}")) {
                w.chars().skip(1).forEach(c -> out.add("-" + (char) c));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    private void run(List<String> a, PrintStream out) throws IpvsException {
        Args args = new Args(a);
        switch (a.get(0)) {
            case "-A" -> table.addService(serviceSpec(args));
            case "-E" -> table.editService(serviceSpec(args));
            case "-D" -> table.deleteService(args.service());
            case "-a" -> table.addRealServer(args.service(), realServer(args));
            case "-e" -> table.editRealServer(args.service(), realServer(args));
            case "-d" -> {
                ServiceKey key = args.service();
                Endpoint r = Endpoint.parse(args.value("-r"));
                table.deleteRealServer(key, r.address, r.port < 0 ? key.port() : r.port);
            }
            case "--set" -> table.setTimeouts(new Timeouts(Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)),
                Integer.parseInt(a.get(3))));
            case "--start-daemon" -> table.startDaemon(new IpvsControl.SyncDaemonRequest(state(a.get(1)),
                args.valueOr("--mcast-interface", "eth0"), Integer.parseInt(args.valueOr("--syncid", "0")),
                Integer.parseInt(args.valueOr("--sync-maxlen", "0")),
                args.has("--mcast-group") ? Endpoint.parse(args.value("--mcast-group")).address : null,
                Integer.parseInt(args.valueOr("--mcast-port", "0")), Integer.parseInt(args.valueOr("--mcast-ttl", "0"))));
            case "--stop-daemon" -> table.stopDaemon(state(a.get(1)), 0);
            case "-S" -> listings.rules(table.dump(), args.has("-n"), out);
            case "-L", "-l" -> list(args, out);
            default -> throw new IllegalArgumentException("MiniIpvsadm cannot run " + a);
        }
    }

    private void list(Args args, PrintStream out) throws IpvsException {
        ListFormat f = ListFormat.DEFAULT.withNumeric(args.has("-n")).withExact(args.has("--exact"))
            .withNoSort(args.has("--nosort")).withStats(args.has("--stats")).withRate(args.has("--rate"))
            .withThresholds(args.has("--thresholds")).withPersistentConn(args.has("--persistent-conn"))
            .withTunInfo(args.has("--tun-info"));
        if (args.has("-c")) {
            listings.connections(table.connections(), f, out);
        } else if (args.hasService()) {
            listings.service(table.service(args.service()), f, out);
        } else if (args.has("--timeout")) {
            Listings.timeouts(table.timeouts(), out);
        } else if (args.has("--daemon")) {
            Listings.daemons(table.daemons(), out);
        } else {
            listings.table(IpvsControl.VERSION_CODE, table.dump(), f, out);
        }
    }

    private static SyncDaemonSpec.State state(String s) {
        return s.equals("master") ? SyncDaemonSpec.State.MASTER : SyncDaemonSpec.State.BACKUP;
    }

    private static ServiceSpec serviceSpec(Args args) {
        ServiceKey key = args.service();
        int flags = 0;
        int timeout = 0;
        if (args.has("-p")) {
            flags |= ServiceFlags.PERSISTENT;
            String v = args.optionalValue("-p");
            timeout = v == null ? 360 : Integer.parseInt(v);
        }
        if (args.has("-o")) {
            flags |= ServiceFlags.ONEPACKET;
        }
        if (args.has("-b")) {
            for (String b : args.value("-b").split(",")) {
                flags |= switch (b) {
                    case "flag-1", "sh-fallback", "mh-fallback" -> ServiceFlags.SCHED1;
                    case "flag-2", "sh-port", "mh-port" -> ServiceFlags.SCHED2;
                    default -> ServiceFlags.SCHED3;
                };
            }
        }
        long netmask = key.family() == AddressFamily.INET6 ? 128 : 0xffffffffL;
        if (args.has("-M")) {
            String m = args.value("-M");
            netmask = key.family() == AddressFamily.INET6 ? Long.parseLong(m)
                : Endpoint.parse(m).address.ipv4() & 0xffffffffL;
        }
        return new ServiceSpec(key, args.valueOr("-s", "wlc"), args.valueOr("--pe", ""), flags, timeout, netmask);
    }

    private static RealServerSpec realServer(Args args) {
        ServiceKey key = args.service();
        Endpoint r = Endpoint.parse(args.value("-r"));
        ForwardingMethod m = args.has("-m") ? ForwardingMethod.MASQUERADE
            : args.has("-i") || args.has("--ipip") ? ForwardingMethod.TUNNEL : ForwardingMethod.ROUTE;
        int port = r.port < 0 ? key.port() : r.port;
        if (!key.isFwmark() && m != ForwardingMethod.MASQUERADE) {
            port = key.port(); // ipvsadm forces DR and tunnel ports to the service port
        }
        TunnelType tt = TunnelType.IPIP;
        if (args.has("--tun-type")) {
            tt = TunnelType.valueOf(args.value("--tun-type").toUpperCase());
        }
        int tflags = args.has("--tun-csum") ? RealServerSpec.TUNNEL_FLAG_CSUM
            : args.has("--tun-remcsum") ? RealServerSpec.TUNNEL_FLAG_REMCSUM : 0;
        return new RealServerSpec(r.address, port, m, Integer.parseInt(args.valueOr("-w", "1")),
            Long.parseLong(args.valueOr("-x", "0")), Long.parseLong(args.valueOr("-y", "0")), tt,
            Integer.parseInt(args.valueOr("--tun-port", "0")), tflags);
    }

    /** {@code a.b.c.d[:port]}, {@code [v6]:port}, bare v6; port -1 when absent. */
    record Endpoint(InetAddress address, int port) {
        static Endpoint parse(String s) {
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                return new Endpoint(AddressLiteral.parse(s.substring(1, close)),
                    close + 1 < s.length() ? Integer.parseInt(s.substring(close + 2)) : -1);
            }
            if (s.indexOf(':') != s.lastIndexOf(':')) {
                return new Endpoint(AddressLiteral.parse(s), -1);
            }
            int colon = s.indexOf(':');
            if (colon < 0) {
                return new Endpoint(AddressLiteral.parse(s), -1);
            }
            return new Endpoint(AddressLiteral.parse(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1)));
        }
    }

    private static final class Args {
        private final List<String> a;

        Args(List<String> a) {
            this.a = new ArrayList<>(a);
        }

        boolean has(String option) {
            return a.contains(option);
        }

        String value(String option) {
            return a.get(a.indexOf(option) + 1);
        }

        String valueOr(String option, String otherwise) {
            return has(option) ? value(option) : otherwise;
        }

        /** {@code -p [timeout]}: the next word if it is a number. */
        String optionalValue(String option) {
            int i = a.indexOf(option) + 1;
            return i < a.size() && a.get(i).matches("\\d+") ? a.get(i) : null;
        }

        boolean hasService() {
            return has("-t") || has("-u") || has("--sctp-service") || has("-f");
        }

        ServiceKey service() {
            if (has("-f")) {
                AddressFamily family = has("-6") ? AddressFamily.INET6 : AddressFamily.INET;
                return ServiceKey.ofFwmark(family, Long.parseLong(value("-f")));
            }
            Protocol p = has("-t") ? Protocol.TCP : has("-u") ? Protocol.UDP : Protocol.SCTP;
            Endpoint e = Endpoint.parse(value(p.ruleOption()));
            return ServiceKey.of(p, e.address, Math.max(e.port, 0));
        }
    }
}
