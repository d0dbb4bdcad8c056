package lvs.io.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import lvs.model.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard sends nft only what changed (add/delete element), nothing when nothing changed, and the
 * whole table when an incremental change is refused or larger than the result. A stand-in for nft
 * records every script it is given.
 */
class KernelGuardTest {
    private static final InetAddress VIP = InetAddress.ofIpv4(0xC6120064);     // 198.18.0.100
    private static final InetAddress VIP2 = InetAddress.ofIpv4(0xC6120065);    // 198.18.0.101
    private static final InetAddress RIP = InetAddress.ofIpv4(0xC6130202);     // 198.19.2.2
    private static final GuardTarget A = GuardTarget.toService(6, VIP, 80);
    private static final GuardTarget B = GuardTarget.toService(6, VIP2, 80);
    private static final GuardTarget R = GuardTarget.fromRealServer(6, RIP, 8080);

    @TempDir
    Path dir;

    /**
     * A fake nft that appends each script, then a separator, to a log; refuses scripts containing
     * {@code refuse}, and every script once the file {@code fail} exists.
     */
    private KernelGuard guard(String refuse) {
        Path log = dir.resolve("nft.log");
        String script = "s=$(cat); printf '%s\\n--\\n' \"$s\" >> " + log
            + "; if [ -e " + dir.resolve("fail") + " ]; then exit 1; fi"
            + (refuse == null ? "" : "; case \"$s\" in *'" + refuse + "'*) echo refused; exit 1;; esac");
        return new KernelGuard(List.of("sh", "-c", script), "t");
    }

    private List<String> scripts() throws IOException {
        Path log = dir.resolve("nft.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return List.of(Files.readString(log).split("\n--\n"));
    }

    @Test
    void rendersOnlyTheChangedElementsPerSet() {
        String script = NftScript.renderChanges("lvsd", List.of(B, A, GuardTarget.toService(17, VIP, 0)), List.of(R));
        assertThat(script).isEqualTo(
            "add element netdev lvsd to4 { 198.18.0.100 . 6 . 80, 198.18.0.101 . 6 . 80 }\n"
                + "add element netdev lvsd to4_anyport { 198.18.0.100 . 17 }\n"
                + "delete element netdev lvsd from4 { 198.19.2.2 . 6 . 8080 }\n");
        assertThat(NftScript.renderChanges("lvsd", List.of(), List.of())).isEmpty();
    }

    @Test
    void updatesSendOnlyWhatChangedAndNothingWhenNothingDid() throws IOException {
        KernelGuard guard = guard(null);
        guard.install(List.of("d0"));
        guard.update(Set.of(A, R));
        guard.update(Set.of(A, R)); // no change: no nft run
        guard.add(List.of(A));      // already guarded: no nft run
        guard.add(List.of(A, B));
        guard.update(Set.of(B, R));

        List<String> s = scripts();
        assertThat(s).hasSize(4);
        assertThat(s.get(0)).startsWith("table netdev t\ndelete table netdev t\ntable netdev t {\n");
        assertThat(s.get(1)).isEqualTo("add element netdev t to4 { 198.18.0.100 . 6 . 80 }\n"
            + "add element netdev t from4 { 198.19.2.2 . 6 . 8080 }");
        assertThat(s.get(2)).isEqualTo("add element netdev t to4 { 198.18.0.101 . 6 . 80 }");
        assertThat(s.get(3)).isEqualTo("delete element netdev t to4 { 198.18.0.100 . 6 . 80 }");
        assertThat(guard.targets()).containsExactlyInAnyOrder(B, R);
        assertThat(guard.guardsAll(List.of(B, R))).isTrue();
        assertThat(guard.guardsAll(List.of(A))).isFalse();
        assertThat(guard.incrementalWrites()).isEqualTo(3);
        assertThat(guard.wholeWrites()).isEqualTo(1);
    }

    @Test
    void aChangeLargerThanTheResultRewritesTheWholeTable() throws IOException {
        KernelGuard guard = guard(null);
        guard.install(List.of("d0"));
        guard.update(Set.of(A, B));
        guard.update(Set.of(R)); // 2 deleted + 1 added > 1 target
        List<String> s = scripts();
        assertThat(s).hasSize(3);
        assertThat(s.get(2)).startsWith("table netdev t\ndelete table netdev t\n")
            .contains("set from4 { type ipv4_addr . inet_proto . inet_service; elements = { 198.19.2.2 . 6 . 8080 }; }")
            .contains("set to4 { type ipv4_addr . inet_proto . inet_service; }");
        assertThat(guard.targets()).containsExactly(R);
    }

    @Test
    void aRefusedIncrementalChangeFallsBackToTheWholeTable() throws IOException {
        KernelGuard guard = guard("add element"); // e.g. the table was deleted behind lvsd's back
        guard.install(List.of("d0"));
        guard.update(Set.of(A));
        List<String> s = scripts();
        assertThat(s).hasSize(3);
        assertThat(s.get(1)).startsWith("add element");
        assertThat(s.get(2)).startsWith("table netdev t\ndelete table netdev t\n")
            .contains("elements = { 198.18.0.100 . 6 . 80 }");
        assertThat(guard.targets()).containsExactly(A);
        assertThat(guard.wholeWrites()).isEqualTo(2);
    }

    @Test
    void aFailureOfBothLeavesTheKnownTargetsAsTheyWere() throws IOException {
        KernelGuard guard = guard(null);
        guard.install(List.of("d0"));
        guard.update(Set.of(A));
        Files.createFile(dir.resolve("fail"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> guard.update(Set.of(A, B)))
            .isInstanceOf(IOException.class);
        assertThat(scripts()).hasSize(4); // the incremental change, then the whole table: both refused
        assertThat(guard.targets()).containsExactly(A);
        Files.delete(dir.resolve("fail"));
        guard.update(Set.of(A, B)); // tried again on the next snapshot
        assertThat(scripts().get(4)).isEqualTo("add element netdev t to4 { 198.18.0.101 . 6 . 80 }");
    }
}
