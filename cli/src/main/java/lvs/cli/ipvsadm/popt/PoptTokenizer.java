package lvs.cli.ipvsadm.popt;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads argv the way libpopt 1.19 does for a table without aliases or one-dash long options: one
 * option per {@link #next()} call, so the caller can act on each option (and fail on a bad value)
 * before popt has looked at the rest of argv.
 *
 * <ul>
 *   <li>Short options cluster ({@code -Ln}); an option that takes an argument takes the rest of the
 *       cluster (one leading {@code =} skipped) or else the next argv word, whatever it looks like.</li>
 *   <li>Long options must be spelled in full: {@code --name} or {@code --name=value}.</li>
 *   <li>Words that are not options, a lone {@code -}, and everything after {@code --} are leftovers,
 *       wherever they appear.</li>
 *   <li>An error names the whole argv word being read, as {@code poptBadOption()} does; for an option
 *       found, {@link PoptEvent.Found#argvWord()} is the last word consumed (its separate argument, if any).</li>
 * </ul>
 */
public final class PoptTokenizer<T> {
    private final List<OptionSpec<T>> table;
    private final List<String> argv;
    private final List<String> leftovers = new ArrayList<>();
    private int next;
    private String currentWord;
    private String cluster;
    private boolean onlyLeftoversRemain;

    public PoptTokenizer(List<OptionSpec<T>> table, List<String> argv) {
        this.table = table;
        this.argv = argv;
    }

    /** The next option, the end, or an error; after an error the caller must stop. */
    public PoptEvent<T> next() {
        while (true) {
            if (cluster != null && !cluster.isEmpty()) {
                return nextShortOption();
            }
            cluster = null;
            if (next >= argv.size()) {
                return new PoptEvent.End<>();
            }
            String word = argv.get(next++);
            currentWord = word;
            if (onlyLeftoversRemain) {
                leftovers.add(word);
            } else if (word.equals("--")) {
                onlyLeftoversRemain = true;
            } else if (!word.startsWith("-") || word.equals("-")) {
                leftovers.add(word);
            } else if (word.startsWith("--")) {
                return longOption(word.substring(2));
            } else {
                cluster = word.substring(1);
            }
        }
    }

    /** Non-option words seen so far, in argv order ({@code poptGetArg}). */
    public List<String> leftovers() {
        return leftovers;
    }

    private PoptEvent<T> longOption(String text) {
        int eq = text.indexOf('=');
        String name = eq < 0 ? text : text.substring(0, eq);
        String attached = eq < 0 ? null : text.substring(eq + 1);
        for (OptionSpec<T> spec : table) {
            if (name.equals(spec.longName())) {
                return withArgument(spec, attached);
            }
        }
        return error("unknown option");
    }

    private PoptEvent<T> nextShortOption() {
        char c = cluster.charAt(0);
        String rest = cluster.substring(1);
        for (OptionSpec<T> spec : table) {
            if (spec.shortName() != 0 && spec.shortName() == c) {
                if (spec.argKind() == ArgKind.NONE) {
                    if (rest.startsWith("=")) {
                        return error("option does not take an argument");
                    }
                    cluster = rest;
                    return found(spec, null);
                }
                cluster = null;
                String attached = rest.isEmpty() ? null : rest.startsWith("=") ? rest.substring(1) : rest;
                return withArgument(spec, attached);
            }
        }
        return error("unknown option");
    }

    private PoptEvent<T> withArgument(OptionSpec<T> spec, String attached) {
        switch (spec.argKind()) {
            case NONE:
                if (attached != null) {
                    return error("option does not take an argument");
                }
                return found(spec, null);
            case REQUIRED:
                if (attached != null) {
                    return found(spec, attached);
                }
                if (next < argv.size()) {
                    return found(spec, argv.get(next++));
                }
                return error("missing argument");
            default:
                if (attached == null && next < argv.size() && !argv.get(next).startsWith("-")) {
                    attached = argv.get(next++);
                }
                return found(spec, attached);
        }
    }

    /** {@code poptBadOption()} names the last argv word consumed: for {@code --opt value} that is the value. */
    private PoptEvent<T> found(OptionSpec<T> spec, String argument) {
        return new PoptEvent.Found<>(spec, argument, argv.get(next - 1));
    }

    private PoptEvent<T> error(String message) {
        cluster = null;
        return new PoptEvent.Error<>(currentWord, message);
    }
}
