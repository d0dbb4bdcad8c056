package lvs.table;

import lvs.model.RealServerSpec;

/** A real server as the listing sees it: its settings, connection counts and counters. */
public record RealServerView(RealServerSpec spec, int activeConnections, int inactiveConnections,
                             int persistentConnections, Counters counters, Rates rates) {
}
