package lvs.persist;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;

/**
 * The state file's text (docs/state-file.md). One record per line, space-separated ASCII tokens:
 *
 * <pre>
 * lvsd-state 1
 * timeouts TCP TCPFIN UDP
 * service FAMILY PROTO ADDR PORT FWMARK SCHED PE FLAGS TIMEOUT NETMASK
 * real ADDR PORT METHOD WEIGHT UPPER LOWER TUNTYPE TUNPORT TUNFLAGS      (belongs to the service above)
 * daemon STATE IFNAME SYNCID MAXLEN GROUP PORT TTL
 * end RECORDS CRC32C
 * </pre>
 *
 * The trailer counts the records between header and trailer and checksums (CRC32C, 8 hex digits)
 * every byte before it, so a truncated or damaged file is always detected.
 */
public final class StateFileFormat {
    public static final String HEADER = "lvsd-state 1";

    private StateFileFormat() {
    }

    public static byte[] encode(StateSnapshot s) {
        StringBuilder sb = new StringBuilder(64 + 96 * s.ruleCount());
        sb.append(HEADER).append('\n');
        int records = 0;
        Timeouts t = s.timeouts();
        sb.append("timeouts ").append(t.tcpSeconds()).append(' ').append(t.tcpFinSeconds()).append(' ')
            .append(t.udpSeconds()).append('\n');
        records++;
        for (StateSnapshot.SavedService svc : s.services()) {
            appendService(sb, svc.spec());
            records++;
            for (RealServerSpec r : svc.realServers()) {
                appendReal(sb, r);
                records++;
            }
        }
        for (SyncDaemonSpec d : s.daemons()) {
            sb.append("daemon ").append(lower(d.state())).append(' ').append(Tokens.word(d.interfaceName()))
                .append(' ').append(d.syncId()).append(' ').append(d.maxLength()).append(' ')
                .append(Tokens.address(d.group())).append(' ').append(d.port()).append(' ').append(d.ttl())
                .append('\n');
            records++;
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] trailer = String.format(Locale.ROOT, "end %d %08x\n", records, crc.getValue())
            .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[body.length + trailer.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(trailer, 0, all, body.length, trailer.length);
        return all;
    }

    private static void appendService(StringBuilder sb, ServiceSpec s) {
        ServiceKey k = s.key();
        sb.append("service ").append(lower(k.family())).append(' ').append(lower(k.protocol())).append(' ')
            .append(Tokens.address(k.address())).append(' ').append(k.port()).append(' ').append(k.fwmark())
            .append(' ').append(Tokens.word(s.scheduler())).append(' ').append(Tokens.word(s.persistenceEngine()))
            .append(' ').append(s.flags()).append(' ').append(s.timeoutSeconds()).append(' ').append(s.netmask())
            .append('\n');
    }

    private static void appendReal(StringBuilder sb, RealServerSpec r) {
        sb.append("real ").append(Tokens.address(r.address())).append(' ').append(r.port()).append(' ')
            .append(lower(r.method())).append(' ').append(r.weight()).append(' ').append(r.upperThreshold())
            .append(' ').append(r.lowerThreshold()).append(' ').append(lower(r.tunnelType())).append(' ')
            .append(r.tunnelPort()).append(' ').append(r.tunnelFlags()).append('\n');
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Parses a whole file; any defect anywhere rejects the whole file. */
    public static StateSnapshot decode(byte[] data, Path file) throws CorruptStateFileException {
        int bodyEnd = verifyTrailer(data, file);
        String body = new String(data, 0, bodyEnd, StandardCharsets.US_ASCII);
        String[] lines = body.split("\n", -1);
        // body ends with '\n', so the split leaves one empty string at the end
        if (lines.length < 2 || !lines[0].equals(HEADER)) {
            throw new CorruptStateFileException(file, "missing or unsupported header (want \"" + HEADER + "\")");
        }
        Parser p = new Parser(file);
        for (int i = 1; i < lines.length - 1; i++) {
            p.line(i + 1, lines[i]);
        }
        int declared = declaredRecords(data, bodyEnd, file);
        if (declared != lines.length - 2) {
            throw new CorruptStateFileException(file, "trailer counts " + declared + " records, file has "
                + (lines.length - 2));
        }
        return p.result();
    }

    /** Checks the "end N CRC" line and returns where it starts. */
    private static int verifyTrailer(byte[] data, Path file) throws CorruptStateFileException {
        if (data.length == 0 || data[data.length - 1] != '\n') {
            throw new CorruptStateFileException(file, "truncated (no final newline)");
        }
        int start = data.length - 1;
        while (start > 0 && data[start - 1] != '\n') {
            start--;
        }
        String trailer = new String(data, start, data.length - 1 - start, StandardCharsets.US_ASCII);
        String[] t = trailer.split(" ", -1);
        if (t.length != 3 || !t[0].equals("end") || t[2].length() != 8) {
            throw new CorruptStateFileException(file, "truncated (no \"end\" trailer)");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, start);
        long want;
        try {
            want = Long.parseLong(t[2], 16);
        } catch (NumberFormatException e) {
            throw new CorruptStateFileException(file, "bad checksum field in trailer");
        }
        if (crc.getValue() != want) {
            throw new CorruptStateFileException(file, "checksum mismatch (file damaged)");
        }
        for (int i = 0; i < start; i++) {
            if (data[i] < 0) {
                throw new CorruptStateFileException(file, "non-ASCII byte at offset " + i);
            }
        }
        return start;
    }

    private static int declaredRecords(byte[] data, int trailerStart, Path file) throws CorruptStateFileException {
        String trailer = new String(data, trailerStart, data.length - 1 - trailerStart, StandardCharsets.US_ASCII);
        try {
            return Integer.parseInt(trailer.split(" ")[1]);
        } catch (NumberFormatException e) {
            throw new CorruptStateFileException(file, "bad record count in trailer");
        }
    }

    /** Line-by-line reader that remembers the current service for "real" lines. */
    private static final class Parser {
        private final Path file;
        private final List<StateSnapshot.SavedService> services = new ArrayList<>();
        private final List<SyncDaemonSpec> daemons = new ArrayList<>();
        private ServiceSpec current;
        private List<RealServerSpec> currentReals;
        private Timeouts timeouts;
        private int lineNo;

        Parser(Path file) {
            this.file = file;
        }

        void line(int no, String line) throws CorruptStateFileException {
            lineNo = no;
            String[] f = line.split(" ", -1);
            try {
                switch (f[0]) {
                    case "timeouts" -> {
                        want(f, 4);
                        if (timeouts != null) {
                            throw bad("second timeouts line");
                        }
                        timeouts = new Timeouts(Tokens.nonNegInt(f[1]), Tokens.nonNegInt(f[2]), Tokens.nonNegInt(f[3]));
                    }
                    case "service" -> {
                        want(f, 11);
                        if (!daemons.isEmpty()) {
                            throw bad("service after daemon");
                        }
                        closeService();
                        AddressFamily family = Tokens.enumValue(AddressFamily.class, f[1]);
                        Protocol proto = Tokens.enumValue(Protocol.class, f[2]);
                        InetAddress addr = Tokens.parseAddress(f[3]);
                        ServiceKey key = new ServiceKey(family, proto, addr, Tokens.nonNegInt(f[4]), Tokens.nonNegLong(f[5]));
                        current = new ServiceSpec(key, Tokens.unword(f[6]), Tokens.unword(f[7]), Tokens.nonNegInt(f[8]),
                            Tokens.nonNegInt(f[9]), Tokens.nonNegLong(f[10]));
                        currentReals = new ArrayList<>();
                    }
                    case "real" -> {
                        want(f, 10);
                        if (current == null) {
                            throw bad("real server before any service");
                        }
                        currentReals.add(new RealServerSpec(Tokens.parseAddress(f[1]), Tokens.nonNegInt(f[2]),
                            Tokens.enumValue(ForwardingMethod.class, f[3]), Tokens.nonNegInt(f[4]),
                            Tokens.nonNegLong(f[5]), Tokens.nonNegLong(f[6]), Tokens.enumValue(TunnelType.class, f[7]),
                            Tokens.nonNegInt(f[8]), Tokens.nonNegInt(f[9])));
                    }
                    case "daemon" -> {
                        want(f, 8);
                        closeService();
                        daemons.add(new SyncDaemonSpec(Tokens.enumValue(SyncDaemonSpec.State.class, f[1]),
                            Tokens.unword(f[2]), Tokens.nonNegInt(f[3]), Tokens.nonNegInt(f[4]),
                            Tokens.parseAddress(f[5]), Tokens.nonNegInt(f[6]), Tokens.nonNegInt(f[7])));
                    }
                    default -> throw bad("unknown record \"" + f[0] + "\"");
                }
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        private void want(String[] f, int n) throws CorruptStateFileException {
            if (f.length != n) {
                throw bad("\"" + f[0] + "\" needs " + (n - 1) + " fields, has " + (f.length - 1));
            }
        }

        private void closeService() {
            if (current != null) {
                services.add(new StateSnapshot.SavedService(current, currentReals));
                current = null;
                currentReals = null;
            }
        }

        private CorruptStateFileException bad(String why) {
            return new CorruptStateFileException(file, "line " + lineNo + ": " + why);
        }

        StateSnapshot result() throws CorruptStateFileException {
            closeService();
            if (timeouts == null) {
                throw new CorruptStateFileException(file, "no timeouts line");
            }
            return new StateSnapshot(services, timeouts, daemons);
        }
    }
}
