package lvs.cli.daemon;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** Runs one client request (an ipvsadm invocation) and returns its exit status. */
@FunctionalInterface
public interface RequestHandler {
    int handle(String argv0, List<String> args, InputStream stdin, PrintStream out, PrintStream err);
}
