package lvs.cli.ipvsadm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lvs.cli.ipvsadm.values.InetAton;
import lvs.cli.ipvsadm.values.InetPton6;
import lvs.cli.render.NameResolver;
import lvs.model.InetAddress;
import lvs.model.Protocol;

/**
 * Reverse look-ups from a hosts file and a services file only, never DNS: what the oracle's shim gives
 * the real ipvsadm. (The renderers' own system resolver also asks DNS, which tests must not do.)
 */
final class FilesOnlyNameResolver implements NameResolver {
    private final Map<InetAddress, String> hosts = new HashMap<>();
    private final Map<String, String> services = new HashMap<>();

    FilesOnlyNameResolver(Path hostsFile, Path servicesFile) {
        for (String line : lines(hostsFile)) {
            String[] f = fields(line);
            if (f.length < 2) {
                continue;
            }
            long v4 = InetAton.parseStrict(f[0]);
            byte[] v6 = v4 < 0 ? InetPton6.parse(f[0]) : null;
            InetAddress a = v4 >= 0 ? InetAddress.ofIpv4((int) v4) : v6 != null ? InetAddress.of(v6) : null;
            if (a != null) {
                hosts.putIfAbsent(a, f[1]);
            }
        }
        for (String line : lines(servicesFile)) {
            String[] f = fields(line);
            if (f.length >= 2) {
                services.putIfAbsent(f[1], f[0]);
            }
        }
    }

    @Override
    public String hostName(InetAddress address) {
        return hosts.get(address);
    }

    @Override
    public String serviceName(int port, Protocol protocol) {
        return services.get(port + "/" + protocol.serviceName());
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
