package lvs.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LauncherEnvironmentTest {
    @AfterEach
    void clear() {
        System.clearProperty("lvs.env");
        System.clearProperty("lvs.env.LVSD_SOCKET");
    }

    @Test
    void launcherPropertiesStandForTheirVariables() {
        System.setProperty("lvs.env", "launcher");
        System.setProperty("lvs.env.LVSD_SOCKET", "/tmp/x.sock");
        LauncherEnvironment env = new LauncherEnvironment();
        assertThat(env.get("LVSD_SOCKET")).isEqualTo("/tmp/x.sock");
        assertThat(env.getOrDefault("IPVSADM_ARGV0", "ipvsadm")).isEqualTo("ipvsadm"); // absent = unset
        assertThat(env.containsKey("LVS_CLIENT_TRAINING")).isFalse();
        assertThat(env.get("PATH")).isEqualTo(System.getenv("PATH")); // the rest: the real environment
    }

    @Test
    void withoutTheLauncherEverythingComesFromTheEnvironment() {
        System.setProperty("lvs.env.LVSD_SOCKET", "/tmp/ignored.sock");
        LauncherEnvironment env = new LauncherEnvironment();
        assertThat(env.get("LVSD_SOCKET")).isEqualTo(System.getenv("LVSD_SOCKET"));
        assertThat(env.get("PATH")).isEqualTo(System.getenv("PATH"));
        assertThat(env.entrySet()).isEqualTo(System.getenv().entrySet());
    }
}
