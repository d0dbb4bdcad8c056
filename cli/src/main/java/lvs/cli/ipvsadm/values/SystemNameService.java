package lvs.cli.ipvsadm.values;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Name look-ups as glibc does them with the usual {@code nsswitch.conf}: the hosts file first, then
 * (optionally) the system resolver; services from {@code /etc/services}. Files are re-read on each
 * call, as libc does, so edits take effect without restarting lvsd.
 */
public final class SystemNameService implements NameService {
    private final Path hostsFile;
    private final Path servicesFile;
    private final boolean useSystemResolver;

    public SystemNameService(Path hostsFile, Path servicesFile, boolean useSystemResolver) {
        this.hostsFile = hostsFile;
        this.servicesFile = servicesFile;
        this.useSystemResolver = useSystemResolver;
    }

    /** /etc/hosts, then DNS through the JDK resolver; /etc/services. */
    public static SystemNameService system() {
        return new SystemNameService(Path.of("/etc/hosts"), Path.of("/etc/services"), true);
    }

    /** Hosts file only, never DNS: what the oracle's shim does, and what tests use. */
    public static SystemNameService filesOnly() {
        return new SystemNameService(Path.of("/etc/hosts"), Path.of("/etc/services"), false);
    }

    @Override
    public long hostToIpv4(String name) {
        if (name.isEmpty() || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return -1; // glibc treats digits-and-dots names as addresses only
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        for (String line : lines(hostsFile)) {
            String[] f = fields(line);
            if (f.length < 2) {
                continue;
            }
            long addr = InetAton.parseStrict(f[0]);
            if (addr < 0) {
                continue; // IPv6 lines do not answer gethostbyname
            }
            for (int i = 1; i < f.length; i++) {
                if (f[i].toLowerCase(Locale.ROOT).equals(wanted)) {
                    return addr;
                }
            }
        }
        if (!useSystemResolver || !name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            return -1;
        }
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(name)) {
                if (a instanceof Inet4Address) {
                    byte[] b = a.getAddress();
                    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
                }
            }
        } catch (UnknownHostException | SecurityException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public int serviceToPort(String name, String proto) {
        for (String line : lines(servicesFile)) {
            String[] f = fields(line);
            if (f.length < 2) {
                continue;
            }
            int slash = f[1].indexOf('/');
            if (slash < 0 || !f[1].substring(slash + 1).equals(proto)) {
                continue;
            }
            boolean match = f[0].equals(name);
            for (int i = 2; i < f.length && !match; i++) {
                match = f[i].equals(name);
            }
            if (match) {
                try {
                    return Integer.parseInt(f[1].substring(0, slash));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String[] fields(String line) {
        int hash = line.indexOf('#');
        String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
        return body.isEmpty() ? new String[0] : body.split("[ \t]+");
    }
}
