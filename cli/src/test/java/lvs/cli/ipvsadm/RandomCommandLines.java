package lvs.cli.ipvsadm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random ipvsadm argv, mostly plausible and often wrong: a command (or not) followed by options drawn
 * from the whole option table, with values that are sometimes valid, sometimes out of range, sometimes
 * missing. Addresses come from a small pool so that commands hit existing services and servers.
 */
final class RandomCommandLines {
    private static final String[] COMMANDS = {"-A", "-E", "-D", "-C", "-L", "-l", "-Z", "-a", "-e", "-d", "-S",
        "--set", "--start-daemon", "--stop-daemon", "-Ln", "-At", "--add-service", "--list", "-R", "-h", "-v"};
    private static final String[] VIPS = {"192.0.2.1:80", "192.0.2.1:443", "192.0.2.2:80", "192.0.2.2", "[2001:db8::1]:80",
        "localhost:http", "10.1:8080", "0.0.0.0", "[2001:db8::2]", "2001:db8::3", "1.2.3.4:80:90", "80", "",
        "192.0.2.3:domain", "192.0.2.4:99999"};
    private static final String[] RIPS = {"198.51.100.1", "198.51.100.2:8080", "198.51.100.3:80", "[2001:db8::10]:80",
        "2001:db8::11", "224.0.0.1", "0.0.0.0", "198.51.100.4:http", "bad..addr", "198.51.100.1:81"};
    private static final String[] SCHEDULERS = {"rr", "wrr", "lc", "wlc", "sh", "mh", "nq", "none", "bogus",
        "abcdefghijklmnopqrstuvwxyz", ""};
    private static final String[] NUMBERS = {"0", "1", "5", "100", "-1", "65535", "65536", "2147483647", "x", "",
        " 7", "+3", "0x10", "360", "2678400", "2678401", "4294967295"};
    private static final String[] FLAGS = {"-n", "-c", "-m", "-g", "-i", "-6", "-o", "--timeout", "--daemon",
        "--stats", "--rate", "--thresholds", "--persistent-conn", "--nosort", "--sort", "--exact", "-X",
        "--tun-info", "--tun-nocsum", "--tun-csum", "--tun-remcsum", "--", "-", "--bogus", "-q", "extra"};

    private final Random random;

    RandomCommandLines(long seed) {
        this.random = new Random(seed);
    }

    List<String> next() {
        List<String> argv = new ArrayList<>();
        if (random.nextInt(20) != 0) {
            argv.add(pick(COMMANDS));
            if (argv.get(0).endsWith("-daemon")) {
                argv.add(random.nextInt(6) == 0 ? "slave" : random.nextBoolean() ? "master" : "backup");
            }
        }
        int options = random.nextInt(6);
        for (int i = 0; i < options; i++) {
            argv.addAll(option());
        }
        if (argv.size() > 0 && argv.get(0).equals("--set")) {
            for (int i = random.nextInt(5); i > 0; i--) {
                argv.add(pick(NUMBERS));
            }
        }
        return argv;
    }

    private List<String> option() {
        return switch (random.nextInt(16)) {
            case 0, 1 -> List.of(pick("-t", "-u", "--sctp-service", "--tcp-service"), pick(VIPS));
            case 2 -> List.of("-f", pick(NUMBERS));
            case 3, 4 -> List.of("-r", pick(RIPS));
            case 5 -> List.of("-s", pick(SCHEDULERS));
            case 6 -> random.nextBoolean() ? List.of("-p") : List.of("-p", pick(NUMBERS));
            case 7 -> List.of("-M", pick("255.255.255.0", "64", "129", "24", "localhost", "x"));
            case 8 -> List.of(pick("-w", "-x", "-y"), pick(NUMBERS));
            case 9 -> List.of("-b", pick("flag-1", "sh-port", "mh-fallback,mh-port", "bogus", "", "flag-1,flag-2"));
            case 10 -> List.of("--pe", pick("sip", "bogus"));
            case 11 -> List.of("--tun-type", pick("ipip", "gue", "gre", "vxlan"));
            case 12 -> List.of("--tun-port", pick(NUMBERS));
            case 13 -> List.of(pick("--mcast-interface", "--syncid", "--mcast-group", "--mcast-port", "--mcast-ttl",
                "--sync-maxlen"), pick("lo", "eth0", "nosuch0", "239.1.1.1", "ff02::1", "1.2.3.4", "7", "x", "300"));
            default -> List.of(pick(FLAGS));
        };
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
