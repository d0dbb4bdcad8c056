package lvs.cli.client;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * The client's view of its environment without reading the whole environment: {@code bin/ipvsadm}
 * hands over the few variables the fast path needs as system properties ({@code -Dlvs.env.NAME}, and
 * {@code -Dlvs.env=launcher} to say that an absent property means an unset variable), so a normal run
 * never builds the JDK's environment map ({@code ProcessEnvironment}: every variable decoded into a
 * hash map, about a millisecond of the client's start-up). Anything else, and everything when the
 * client is started without the launcher, comes from {@link System#getenv}.
 */
final class LauncherEnvironment extends AbstractMap<String, String> {
    /** What bin/ipvsadm passes as properties; keep in step with its {@code -Dlvs.env.*} flags. */
    private static final String[] PASSED = {"LVSD_SOCKET", "IPVSADM_ARGV0", "LVS_CLIENT_TRAINING"};

    private final boolean fromLauncher = "launcher".equals(System.getProperty("lvs.env"));

    @Override
    public String get(Object name) {
        if (fromLauncher && name instanceof String) {
            for (String passed : PASSED) {
                if (passed.equals(name)) {
                    return System.getProperty("lvs.env.".concat(passed)); // no "+": an indy concat costs ms at start-up
                }
            }
        }
        return System.getenv().get(name);
    }

    @Override
    public String getOrDefault(Object name, String fallback) {
        String value = get(name);
        return value != null ? value : fallback;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return System.getenv().entrySet();
    }
}
