package lvs.cli.daemon;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** lvsd's log: one timestamped line per event on stderr (the launcher or service manager keeps it). */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Log() {
    }

    static void info(String message) {
        System.err.println(LocalDateTime.now().format(TIME) + " lvsd: " + message);
    }

    static void error(String message, Throwable t) {
        info(message);
        if (t != null) {
            t.printStackTrace();
        }
    }
}
