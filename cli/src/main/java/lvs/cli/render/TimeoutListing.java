package lvs.cli.render;

import lvs.model.Timeouts;

/** {@code -L --timeout}. */
final class TimeoutListing {
    private TimeoutListing() {
    }

    static String render(Timeouts t) {
        return "Timeout (tcp tcpfin udp): " + t.tcpSeconds() + " " + t.tcpFinSeconds() + " " + t.udpSeconds() + "\n";
    }
}
