package lvs.io.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Sends packets carrying a firewall-mark service's mark to lvsd through an NFQUEUE queue. Marks are
 * set by the operator's own rules (iptables {@code -t mangle ... -j MARK}, or nftables) in PREROUTING,
 * after lvsd's AF_PACKET taps saw the frame, so lvsd must get the packet back from the kernel once the
 * mark is on it. IPVS itself looks at a packet at LOCAL_IN; lvsd's rules sit there too: chain
 * {@value #CHAIN} of the filter table, jumped to first from INPUT, one rule per mark:
 *
 * <pre>-A LVSD_FWMARK -m mark --mark 0x1 -j NFQUEUE --queue-num 19542</pre>
 *
 * <p>One instance per family: {@link #FwmarkQueueRules(int)} for IPv4 services ({@code iptables-legacy}),
 * {@link #ipv6(int)} for {@code -f N -6} ones ({@code ip6tables-legacy}, the same chain in the IPv6
 * filter table); both queue to the same queue, whose packets carry their family.
 *
 * <p>iptables-legacy on purpose: its NFQUEUE target is xt_NFQUEUE, which this kernel has built in,
 * while nftables' own {@code queue} statement needs NFT_QUEUE, which it lacks. Without a reader on the
 * queue the kernel drops queued packets, so a stopped lvsd never leaves marked traffic to the local
 * stack. Control path only (forks iptables); nothing is installed until a mark is asked for.
 */
public final class FwmarkQueueRules implements AutoCloseable {
    public static final String CHAIN = "LVSD_FWMARK";
    private static final long TIMEOUT_S = 10;

    private final List<String> iptables;
    private final List<String> iptablesRestore;
    private final int queue;
    private Set<Integer> installed = Set.of();
    private boolean jumpInstalled;

    /** IPv4: uses {@code iptables-legacy} and {@code iptables-legacy-restore} from the PATH. */
    public FwmarkQueueRules(int queue) {
        this(List.of("iptables-legacy"), List.of("iptables-legacy-restore"), queue);
    }

    /** IPv6: uses {@code ip6tables-legacy} and {@code ip6tables-legacy-restore} from the PATH. */
    public static FwmarkQueueRules ipv6(int queue) {
        return new FwmarkQueueRules(List.of("ip6tables-legacy"), List.of("ip6tables-legacy-restore"), queue);
    }

    /** @param iptables, iptablesRestore how to run them, e.g. prefixed with {@code ip netns exec NS} */
    public FwmarkQueueRules(List<String> iptables, List<String> iptablesRestore, int queue) {
        this.iptables = List.copyOf(iptables);
        this.iptablesRestore = List.copyOf(iptablesRestore);
        this.queue = queue;
    }

    /** Queues exactly these marks (an empty set removes lvsd's rules). */
    public void update(Set<Integer> marks) throws IOException {
        Set<Integer> next = new TreeSet<>(Integer::compareUnsigned);
        next.addAll(marks);
        if (next.equals(installed)) {
            return;
        }
        if (next.isEmpty()) {
            remove();
            return;
        }
        // One iptables-restore transaction: declaring the chain flushes it, then the new rules go in.
        StringBuilder script = new StringBuilder("*filter\n:" + CHAIN + " - [0:0]\n");
        for (int mark : next) {
            script.append("-A ").append(CHAIN).append(" -m mark --mark 0x").append(Integer.toHexString(mark))
                .append(" -j NFQUEUE --queue-num ").append(queue).append('\n');
        }
        script.append("COMMIT\n");
        List<String> restore = new ArrayList<>(iptablesRestore);
        restore.add("--noflush");
        run(restore, script.toString());
        if (!jumpInstalled) {
            if (!succeeds(withArgs("-w", "-C", "INPUT", "-j", CHAIN))) {
                run(withArgs("-w", "-I", "INPUT", "1", "-j", CHAIN), null);
            }
            jumpInstalled = true;
        }
        installed = Set.copyOf(next);
    }

    /** The marks queued now. */
    public Set<Integer> marks() {
        return installed;
    }

    /** Deletes the jump and the chain (also those a killed lvsd left); harmless when absent. */
    public void remove() throws IOException {
        for (int i = 0; i < 8 && succeeds(withArgs("-w", "-D", "INPUT", "-j", CHAIN)); i++) {
            // a crashed lvsd may have left more than one jump
        }
        succeeds(withArgs("-w", "-F", CHAIN));
        succeeds(withArgs("-w", "-X", CHAIN));
        jumpInstalled = false;
        installed = Set.of();
    }

    /** Same as {@link #remove()}, never throws (shutdown). */
    @Override
    public void close() {
        if (installed.isEmpty() && !jumpInstalled) {
            return;
        }
        try {
            remove();
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: could not remove " + iptables.get(iptables.size() - 1) + " chain " + CHAIN + ": "
                + e.getMessage());
        }
    }

    private List<String> withArgs(String... args) {
        List<String> c = new ArrayList<>(iptables);
        c.addAll(List.of(args));
        return c;
    }

    private static boolean succeeds(List<String> command) throws IOException {
        return exec(command, null).exitCode == 0;
    }

    private static void run(List<String> command, String stdin) throws IOException {
        Result r = exec(command, stdin);
        if (r.exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode + "): " + r.output
                + (stdin == null ? "" : "\ninput:\n" + stdin));
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(List<String> command, String stdin) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " timed out after " + TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
