package lvs.cli.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import lvs.cli.client.IpvsadmClient;
import lvs.cli.ipvsadm.Ipvsadm;
import lvs.persist.CorruptStateFileException;
import lvs.persist.GroupCommitter;
import lvs.persist.StateCapture;
import lvs.persist.StateFile;
import lvs.persist.StateReplay;
import lvs.persist.StateSnapshot;
import lvs.table.NetworkInterfaces;
import lvs.table.VirtualServerTable;

/**
 * {@code bin/lvsd}: holds the virtual server table, as the kernel does for ipvsadm. Restores the
 * rules from the state file, serves ipvsadm requests on the control socket, saves every committed
 * change, and on SIGTERM/SIGINT saves, removes its socket and exits 0.
 */
public final class Lvsd {
    /** How often changes of a long-running request (a big {@code -R}) are saved while it runs. */
    static final long PERIODIC_SAVE_MILLIS = 1000;
    /** Longest a reply waits for the data plane to pick up a change (it normally takes a few ms). */
    static final long APPLY_TIMEOUT_MILLIS = 1000;

    private Lvsd() {
    }

    public static void main(String[] args) throws Exception {
        LvsdOptions options;
        try {
            options = LvsdOptions.parse(args, System.getenv());
        } catch (LvsdOptions.UsageException e) {
            if (e.getMessage() == null) {
                System.out.print(LvsdOptions.usage());
                System.exit(0);
            }
            System.err.println(e.getMessage());
            System.err.print(LvsdOptions.usage());
            System.exit(2);
            return;
        }
        System.exit(run(options, options.controlOnly() ? PacketEngine.none() : findPacketEngine()));
    }

    /** The packet engine on the class path ({@code META-INF/services}), else none: lvsd still serves ipvsadm. */
    static PacketEngine findPacketEngine() {
        try {
            return ServiceLoader.load(PacketEngine.class).findFirst().orElseGet(PacketEngine::none);
        } catch (ServiceConfigurationError | LinkageError e) {
            Log.error("packet engine unavailable; forwarding is off", e);
            return PacketEngine.none();
        }
    }

    /** Runs until a signal stops it; returns the exit status for a start-up failure. */
    static int run(LvsdOptions o, PacketEngine packets) throws Exception {
        InstanceLock lock = InstanceLock.tryAcquire(o.stateFile());
        if (lock == null) {
            Log.info("another lvsd is already using " + o.stateFile() + "; not starting");
            return 1;
        }
        if (answers(o.socket())) {
            Log.info("another lvsd is already listening on " + o.socket() + "; not starting");
            return 1;
        }
        VirtualServerTable table = new VirtualServerTable(packets.stats(), NetworkInterfaces.system());
        StateFile stateFile = new StateFile(o.stateFile());
        GroupCommitter committer = new GroupCommitter(stateFile, new StateCapture(table));
        if (!restore(stateFile, table, committer)) {
            return 1;
        }
        try {
            packets.start(table, o);
        } catch (Exception e) {
            Log.error("packet engine failed to start; forwarding is off, ipvsadm is still served", e);
        }
        RequestHandler ipvsadm = (argv0, args, in, out, err) -> {
            int status = Ipvsadm.run(argv0, args, in, out, err, table);
            // The kernel applies a change before ipvsadm returns; so do we (a no-op for listings).
            packets.awaitApplied(table.generation(), APPLY_TIMEOUT_MILLIS);
            return status;
        };
        ControlServer server = new ControlServer(o.socket(), ipvsadm, committer::commit);
        server.start();
        server.timer().scheduleWithFixedDelay(() -> saveQuietly(committer), PERIODIC_SAVE_MILLIS,
            PERIODIC_SAVE_MILLIS, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, committer, packets, lock), "lvsd-stop"));
        Log.info("listening on " + o.socket() + " (state file " + o.stateFile() + ", pid " + ProcessHandle.current().pid() + ")");
        server.awaitClosed();
        return 0;
    }

    /** Loads the state file into the empty table; false (after saying why) if lvsd must not start. */
    private static boolean restore(StateFile file, VirtualServerTable table, GroupCommitter committer) {
        Optional<StateSnapshot> saved;
        try {
            saved = file.load();
        } catch (CorruptStateFileException e) {
            Log.info("refusing to start: the state file is damaged: " + e.getMessage());
            Log.info("move it aside to start with an empty table (the previous rules are in it)");
            return false;
        } catch (IOException e) {
            Log.error("refusing to start: cannot read " + file.path(), e);
            return false;
        }
        if (saved.isEmpty()) {
            Log.info("no state file at " + file.path() + ": starting with an empty table");
            return true;
        }
        try {
            List<String> warnings = StateReplay.apply(saved.get(), table);
            warnings.forEach(Log::info);
        } catch (StateReplay.ReplayException e) {
            Log.info("refusing to start: a saved rule in " + file.path() + " is no longer accepted: " + e.getMessage());
            return false;
        }
        committer.assumeSaved();
        Log.info("restored " + saved.get().services().size() + " services, " + saved.get().ruleCount()
            + " rules from " + file.path());
        return true;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ignored = IpvsadmClient.connectWithSocketChannel(socket.toString())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void saveQuietly(GroupCommitter committer) {
        try {
            committer.commit();
        } catch (IOException | RuntimeException e) {
            Log.error("periodic save failed (will retry)", e);
        }
    }

    /** Shutdown hook: no new clients, save, stop forwarding, exit 0 (not 143: a requested stop is a clean stop). */
    private static void stop(ControlServer server, GroupCommitter committer, PacketEngine packets, InstanceLock lock) {
        server.close();
        saveQuietly(committer);
        packets.close();
        try {
            lock.close();
        } catch (IOException ignored) {
            // the kernel drops it at exit anyway
        }
        Log.info("stopped");
        Runtime.getRuntime().halt(0);
    }
}
