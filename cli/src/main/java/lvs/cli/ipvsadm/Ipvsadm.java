package lvs.cli.ipvsadm;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import lvs.table.IpvsControl;

/**
 * One ipvsadm invocation, run against a table: the whole of ipvsadm 1.31's behaviour from argv to
 * exit status. lvsd runs this for each client; tests run it in-process.
 */
public final class Ipvsadm {
    private Ipvsadm() {
    }

    /**
     * @param argv0   what ipvsadm prints as its own name ({@code Try `ipvsadm -h' ...}, the help text)
     * @param args    the arguments after argv[0]
     * @param stdin   read only by {@code -R}; opening it may be lazy (the daemon asks the client for it on first read)
     * @param out     ipvsadm's stdout
     * @param err     ipvsadm's stderr
     * @param control the table
     * @return the exit status ipvsadm 1.31 would return
     */
    public static int run(String argv0, List<String> args, InputStream stdin, PrintStream out, PrintStream err,
                          IpvsControl control) {
        return run(argv0, args, stdin, out, err, control, IpvsadmEnvironment.system());
    }

    /** As {@link #run(String, List, InputStream, PrintStream, PrintStream, IpvsControl)}, with chosen name look-ups. */
    public static int run(String argv0, List<String> args, InputStream stdin, PrintStream out, PrintStream err,
                          IpvsControl control, IpvsadmEnvironment environment) {
        Io io = new Io(argv0, stdin, out, err);
        IpvsadmProgram program = new IpvsadmProgram(io, control, environment);
        try {
            int result = args.isEmpty() ? program.listEverything() : program.processOptions(List.copyOf(args), false);
            return result & 0xff; // main() returns -1 for kernel and popt errors: 255 to the shell
        } catch (Exit exit) {
            return exit.status();
        } finally {
            out.flush();
            err.flush();
        }
    }
}
