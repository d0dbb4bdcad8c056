package lvs.table;

import lvs.model.RealServerSpec;

/** A real server as the table holds it, with the id its counters are kept under ({@code -e} keeps it). */
public record RealServerEntry(long id, RealServerSpec spec) {
}
