package lvs.cli.e2e;

import java.lang.reflect.Method;
import java.util.ServiceLoader;
import lvs.cli.daemon.Lvsd;
import lvs.cli.daemon.LvsdOptions;
import lvs.cli.daemon.PacketEngine;

/**
 * Test-only launcher: lvsd with the packet engine found through {@code ServiceLoader<PacketEngine>},
 * for as long as {@code Lvsd.main} itself starts {@code PacketEngine.none()}. {@code bin/lvs-lab}
 * uses it when {@code LVS_LAB_LVSD_MAIN=lvs.cli.e2e.LvsdWithPackets}.
 */
public final class LvsdWithPackets {
    private LvsdWithPackets() {
    }

    public static void main(String[] args) throws Exception {
        LvsdOptions options = LvsdOptions.parse(args, System.getenv());
        PacketEngine engine = ServiceLoader.load(PacketEngine.class).findFirst().orElse(PacketEngine.none());
        Method run = Lvsd.class.getDeclaredMethod("run", LvsdOptions.class, PacketEngine.class);
        run.setAccessible(true);
        System.exit((int) run.invoke(null, options, engine));
    }
}
