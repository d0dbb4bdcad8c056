package lvs.io.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import lvs.model.InetAddress;
import org.junit.jupiter.api.Test;

class NftScriptTest {
    private static final InetAddress VIP = InetAddress.ofIpv4(0xC6120064);
    private static final InetAddress RIP = InetAddress.ofIpv4(0xC6120202);

    @Test
    void rendersAnAtomicReplacementWithSetsAndOneChainPerInterface() {
        String script = NftScript.render("lvsd", List.of("d0", "d1"), List.of(
            GuardTarget.toService(6, VIP, 80), GuardTarget.toService(17, VIP, 0), GuardTarget.fromRealServer(6, RIP, 8080)));
        assertThat(script).startsWith("table netdev lvsd\ndelete table netdev lvsd\ntable netdev lvsd {\n");
        assertThat(script).contains("  set to4 { type ipv4_addr . inet_proto . inet_service; elements = { 198.18.0.100 . 6 . 80 }; }\n");
        assertThat(script).contains("  set to4_anyport { type ipv4_addr . inet_proto; elements = { 198.18.0.100 . 17 }; }\n");
        assertThat(script).contains("  set from4 { type ipv4_addr . inet_proto . inet_service; elements = { 198.18.2.2 . 6 . 8080 }; }\n");
        assertThat(script).contains("  set to6 { type ipv6_addr . inet_proto . inet_service; }\n");
        assertThat(script).contains("    type filter hook ingress device \"d0\" priority -500; policy accept;\n");
        assertThat(script).contains("  chain in_d1 {\n");
        assertThat(script).contains("    ip daddr . meta l4proto . th dport @to4 counter drop\n");
        assertThat(script).contains("    ip6 saddr . meta l4proto @from6_anyport counter drop\n");
    }

    @Test
    void sameTargetsInAnyOrderGiveTheSameScript() {
        GuardTarget a = GuardTarget.toService(6, VIP, 80);
        GuardTarget b = GuardTarget.toService(6, VIP, 443);
        assertThat(NftScript.render("t", List.of("x"), List.of(a, b)))
            .isEqualTo(NftScript.render("t", List.of("x"), List.of(b, a)));
    }

    @Test
    void removalNeverFailsOnAMissingTable() {
        assertThat(NftScript.renderRemoval("lvsd")).isEqualTo("table netdev lvsd\ndelete table netdev lvsd\n");
    }

    @Test
    void refusesNamesThatCouldInjectRules() {
        assertThatThrownBy(() -> new KernelGuard(List.of("nft"), "x; flush ruleset"))
            .isInstanceOf(IllegalArgumentException.class);
        KernelGuard guard = new KernelGuard(List.of("/bin/false"), "lvsd");
        assertThatThrownBy(() -> guard.install(List.of("d0\" ; flush ruleset")))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
