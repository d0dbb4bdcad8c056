package lvs.cli.ipvsadm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import lvs.cli.ipvsadm.restore.ConfigStream;

/**
 * {@code -R}: each line of stdin is one command line, run as if it were a separate invocation (fresh
 * defaults, same argv[0]). Kernel and popt errors are printed and the stream goes on; anything that
 * makes ipvsadm exit ends the whole restore. The status is that of the last line processed.
 */
final class Restore {
    private static final String PROGRAM_NAME_TOKEN = "ipvsadm";

    private final Io io;
    private final IpvsadmProgram program;

    Restore(Io io, IpvsadmProgram program) {
        this.io = io;
        this.program = program;
    }

    int run() {
        ConfigStream stream = new ConfigStream(io.stdin);
        int result = 0;
        try {
            List<String> tokens;
            while ((tokens = stream.nextLine()) != null) {
                tokens.removeIf(PROGRAM_NAME_TOKEN::equals); // dropped anywhere on the line, as ipvsadm does
                if (tokens.isEmpty()) {
                    continue;
                }
                result = program.processOptions(tokens, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }
}
