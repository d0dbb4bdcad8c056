package lvs.persist;

import java.util.ArrayList;
import java.util.List;
import lvs.model.RealServerSpec;
import lvs.model.SyncDaemonSpec;
import lvs.table.IpvsControl;
import lvs.table.IpvsException;

/**
 * Loads a saved state into an empty table through the ordinary control calls, so the table
 * validates everything exactly as it does for ipvsadm.
 */
public final class StateReplay {
    private StateReplay() {
    }

    /**
     * Adds every rule; a rule the table refuses aborts the whole replay (the caller must not serve a
     * half-loaded table). Sync daemons are different: they depend on the host (an interface may be
     * gone), so a daemon that does not start is reported and skipped.
     *
     * @return one message per daemon that could not be started
     */
    public static List<String> apply(StateSnapshot s, IpvsControl table) throws ReplayException {
        try {
            table.setTimeouts(s.timeouts());
        } catch (IpvsException e) {
            throw new ReplayException("timeouts " + s.timeouts() + " refused: " + e.errno());
        }
        for (StateSnapshot.SavedService svc : s.services()) {
            try {
                table.addService(svc.spec());
            } catch (IpvsException e) {
                throw new ReplayException("service " + svc.spec() + " refused: " + e.errno());
            }
            for (RealServerSpec r : svc.realServers()) {
                try {
                    table.addRealServer(svc.spec().key(), r);
                } catch (IpvsException e) {
                    throw new ReplayException("real server " + r + " of " + svc.spec().key() + " refused: " + e.errno());
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        for (SyncDaemonSpec d : s.daemons()) {
            try {
                table.startDaemon(new IpvsControl.SyncDaemonRequest(d.state(), d.interfaceName(), d.syncId(),
                    d.maxLength(), d.group(), d.port(), d.ttl()));
            } catch (IpvsException e) {
                warnings.add("sync daemon " + d + " not restarted: " + e.errno());
            }
        }
        return warnings;
    }

    /** The table refused a saved rule. */
    public static final class ReplayException extends Exception {
        private static final long serialVersionUID = 1L;

        public ReplayException(String message) {
            super(message);
        }
    }
}
