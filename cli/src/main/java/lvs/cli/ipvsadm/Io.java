package lvs.cli.ipvsadm;

import java.io.InputStream;
import java.io.PrintStream;

/** The process around one ipvsadm run: its name, streams, and the ways it can end early. */
final class Io {
    /** What the real binary's SIGSEGV on {@code -b ,} looks like to a shell: 128 + 11. */
    static final int SEGFAULT_STATUS = 139;

    final String argv0;
    final InputStream stdin;
    final PrintStream out;
    final PrintStream err;

    Io(String argv0, InputStream stdin, PrintStream out, PrintStream err) {
        this.argv0 = argv0;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /** ipvsadm's {@code fail(2, ...)}: message and newline on stderr, exit 2. */
    Exit fail(String message) {
        return exit(2, message);
    }

    /** Message and newline on stderr, then exit with {@code status}. */
    Exit exit(int status, String message) {
        err.print(message + "\n");
        return new Exit(status);
    }

    /** ipvsadm's {@code tryhelp()}: exit(-1), which the shell sees as 255. */
    Exit tryHelp() {
        err.print("Try `" + argv0 + " -h' or '" + argv0 + " --help' for more information.\n");
        return new Exit(255);
    }

    /**
     * The crash of ipvsadm 1.31 on a {@code -b} value with no flags in it ({@code -b ,}): it dereferences
     * NULL. We print nothing and report what the shell would: killed by SIGSEGV.
     */
    Exit segfault() {
        return new Exit(SEGFAULT_STATUS);
    }
}
