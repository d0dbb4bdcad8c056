package lvs.io.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Installs, updates and removes lvsd's own nftables table: a netdev ingress chain on each interface
 * lvsd reads, dropping exactly the packets lvsd forwards (to the virtual services, and NAT replies
 * from real servers) so that the director's kernel neither answers them (RST, ICMP) nor forwards them
 * un-rewritten. AF_PACKET ETH_P_ALL taps run before netdev ingress, so lvsd still sees every frame.
 *
 * <pre>{@code
 * KernelGuard guard = new KernelGuard();            // runs "nft", table "lvsd"
 * guard.install(List.of("eth0", "eth1"));
 * guard.update(Set.of(GuardTarget.toService(6, vip, 80)));
 * ...
 * guard.remove();                                    // also on shutdown
 * }</pre>
 *
 * Every change rewrites the whole table in one {@code nft -f -} transaction (see {@link NftScript}).
 * Control path only: it forks a process. Not thread-safe; the control thread owns it.
 */
public final class KernelGuard implements AutoCloseable {
    /** The table lvsd owns; nothing else in the ruleset is touched. */
    public static final String DEFAULT_TABLE = "lvsd";
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final long NFT_TIMEOUT_S = 10;

    private final List<String> nftCommand;
    private final String table;
    private final Set<String> interfaces = new LinkedHashSet<>();
    private final Set<GuardTarget> targets = new LinkedHashSet<>();
    private boolean installed;

    /** Uses {@code nft} from the PATH and table {@value #DEFAULT_TABLE}. */
    public KernelGuard() {
        this(List.of("nft"), DEFAULT_TABLE);
    }

    /**
     * @param nftCommand how to run nft, e.g. {@code ["ip", "netns", "exec", "ns1", "nft"]} in tests;
     *                   {@code -f -} is appended
     * @param table      the netdev table's name
     */
    public KernelGuard(List<String> nftCommand, String table) {
        if (nftCommand.isEmpty()) {
            throw new IllegalArgumentException("empty nft command");
        }
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("bad table name: " + table);
        }
        this.nftCommand = List.copyOf(nftCommand);
        this.table = table;
    }

    /** Creates the table with an ingress chain per interface (replacing any left by a crashed lvsd). */
    public void install(Collection<String> interfaceNames) throws IOException {
        for (String name : interfaceNames) {
            if (!INTERFACE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad interface name: " + name);
            }
        }
        Set<String> next = new LinkedHashSet<>(interfaceNames);
        apply(NftScript.render(table, next, targets));
        interfaces.clear();
        interfaces.addAll(next);
        installed = true;
    }

    /** Replaces the set of guarded traffic; the table must be installed. */
    public void update(Collection<GuardTarget> newTargets) throws IOException {
        if (!installed) {
            throw new IllegalStateException("install() first");
        }
        Set<GuardTarget> next = new LinkedHashSet<>(newTargets);
        apply(NftScript.render(table, interfaces, next));
        targets.clear();
        targets.addAll(next);
    }

    /** Deletes the table; harmless when it does not exist. */
    public void remove() throws IOException {
        apply(NftScript.renderRemoval(table));
        installed = false;
    }

    /** The traffic currently guarded. */
    public Set<GuardTarget> targets() {
        return Set.copyOf(targets);
    }

    public boolean isInstalled() {
        return installed;
    }

    /** Same as {@link #remove()}, but never throws (for finally blocks and shutdown hooks). */
    @Override
    public void close() {
        try {
            remove();
        } catch (IOException | RuntimeException e) {
            System.err.println("lvsd: could not remove nftables table " + table + ": " + e.getMessage());
        }
    }

    private void apply(String script) throws IOException {
        List<String> command = new java.util.ArrayList<>(nftCommand);
        command.add("-f");
        command.add("-");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(NFT_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft timed out after " + NFT_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running nft", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException("nft failed (exit " + p.exitValue() + "): " + output + "\nscript:\n" + script);
        }
    }
}
