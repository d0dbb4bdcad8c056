package lvs.cli.render;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lvs.model.InetAddress;
import lvs.model.Protocol;

/**
 * What glibc answers ipvsadm: {@code gethostbyaddr} reads the hosts file first (the canonical name is
 * the first name on the first matching line), then asks the system resolver; {@code getservbyport}
 * takes the first matching entry of the services file. Files are read once per instance, on first use.
 */
final class SystemNameResolver implements NameResolver {
    private final Path hostsFile;
    private final Path servicesFile;
    private final boolean useSystemResolver;
    private Map<InetAddress, String> hosts;
    private Map<String, String> services;

    SystemNameResolver(Path hostsFile, Path servicesFile, boolean useSystemResolver) {
        this.hostsFile = hostsFile;
        this.servicesFile = servicesFile;
        this.useSystemResolver = useSystemResolver;
    }

    static NameResolver create() {
        return new SystemNameResolver(Path.of("/etc/hosts"), Path.of("/etc/services"), true);
    }

    @Override
    public synchronized String hostName(InetAddress address) {
        if (hosts == null) {
            hosts = parseHosts(readLines(hostsFile));
        }
        String name = hosts.get(address);
        if (name != null || !useSystemResolver) {
            return name;
        }
        return systemReverseLookup(address);
    }

    @Override
    public synchronized String serviceName(int port, Protocol protocol) {
        if (services == null) {
            services = parseServices(readLines(servicesFile));
        }
        return services.get(port + "/" + protocol.serviceName());
    }

    /** Address to the first name of the first line that lists it. */
    static Map<InetAddress, String> parseHosts(List<String> lines) {
        Map<InetAddress, String> names = new HashMap<>();
        for (String line : lines) {
            String[] f = fields(line);
            if (f.length < 2) {
                continue;
            }
            InetAddress a = AddressLiteral.parse(f[0]);
            if (a != null) {
                names.putIfAbsent(a, f[1]);
            }
        }
        return names;
    }

    /** {@code port/proto} to the first service name listed for it. */
    static Map<String, String> parseServices(List<String> lines) {
        Map<String, String> names = new HashMap<>();
        for (String line : lines) {
            String[] f = fields(line);
            if (f.length < 2) {
                continue;
            }
            int slash = f[1].indexOf('/');
            if (slash <= 0) {
                continue;
            }
            try {
                int port = Integer.parseInt(f[1].substring(0, slash));
                names.putIfAbsent(port + "/" + f[1].substring(slash + 1), f[0]);
            } catch (NumberFormatException e) {
                // not a service line
            }
        }
        return names;
    }

    private static String[] fields(String line) {
        int hash = line.indexOf('#');
        String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The resolver configured for this JVM (nsswitch, or {@code jdk.net.hosts.file}); null when it knows no name. */
    private static String systemReverseLookup(InetAddress address) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByAddress(address.bytes());
            String name = a.getCanonicalHostName();
            return name.equals(a.getHostAddress()) ? null : name;
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
