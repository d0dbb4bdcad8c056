package lvs.io.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
 * Every change is one {@code nft -f -} transaction (see {@link NftScript}): installing writes the whole
 * table; a change of the targets adds and deletes only the set elements that changed (a single
 * {@code ipvsadm -A} on a table of 110,000 objects sends one element, not 110,000), and none at all
 * when nothing changed. If such an incremental change is refused (the table was deleted or edited
 * behind lvsd's back), the whole table is rewritten instead, which also repairs it; a change larger
 * than the resulting table is written whole too (cheaper for nft). Either way the kernel goes from the
 * old targets to the new ones in one step.
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
    /** What the kernel's table holds (as far as lvsd knows: updated only after nft succeeded). */
    private final Set<GuardTarget> targets = new HashSet<>();
    private boolean installed;
    /** nft runs since construction: whole-table writes and incremental changes (tests, benchmarks). */
    private long wholeWrites;
    private long incrementalWrites;

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
        wholeWrites++;
        interfaces.clear();
        interfaces.addAll(next);
        installed = true;
    }

    /** Replaces the set of guarded traffic; the table must be installed. No-op when nothing changes. */
    public void update(Collection<GuardTarget> newTargets) throws IOException {
        requireInstalled();
        Set<GuardTarget> next = newTargets instanceof Set<GuardTarget> set ? set : new HashSet<>(newTargets);
        List<GuardTarget> added = new ArrayList<>();
        for (GuardTarget t : next) {
            if (!targets.contains(t)) {
                added.add(t);
            }
        }
        List<GuardTarget> deleted = new ArrayList<>();
        for (GuardTarget t : targets) {
            if (!next.contains(t)) {
                deleted.add(t);
            }
        }
        if (added.isEmpty() && deleted.isEmpty()) {
            return;
        }
        if (added.size() + deleted.size() > next.size()) {
            applyWhole(next);
        } else {
            applyChanges(added, deleted, next);
        }
    }

    /**
     * Guards {@code more} in addition to what is guarded now (what must be in place before lvsd
     * forwards a new service); the table must be installed. No-op when all of it is guarded already.
     */
    public void add(Collection<GuardTarget> more) throws IOException {
        requireInstalled();
        List<GuardTarget> added = new ArrayList<>();
        for (GuardTarget t : more) {
            if (!targets.contains(t)) {
                added.add(t);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        Set<GuardTarget> next = new HashSet<>(targets);
        next.addAll(added);
        applyChanges(added, List.of(), next);
    }

    /** Whether every one of {@code these} is guarded now. */
    public boolean guardsAll(Collection<GuardTarget> these) {
        return targets.containsAll(these);
    }

    private void requireInstalled() {
        if (!installed) {
            throw new IllegalStateException("install() first");
        }
    }

    /** The incremental change; if nft refuses it, the whole table (repairing what someone changed). */
    private void applyChanges(List<GuardTarget> added, List<GuardTarget> deleted, Set<GuardTarget> next)
        throws IOException {
        try {
            apply(NftScript.renderChanges(table, added, deleted));
            incrementalWrites++;
        } catch (IOException e) {
            applyWhole(next);
            return;
        }
        targets.removeAll(deleted);
        targets.addAll(added);
    }

    private void applyWhole(Set<GuardTarget> next) throws IOException {
        apply(NftScript.render(table, interfaces, next));
        wholeWrites++;
        targets.clear();
        targets.addAll(next);
    }

    /** nft transactions that wrote the whole table (install, repairs, large changes). */
    public long wholeWrites() {
        return wholeWrites;
    }

    /** nft transactions that added or deleted only the elements that changed. */
    public long incrementalWrites() {
        return incrementalWrites;
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
