package lvs.cli.ipvsadm.popt;

/**
 * One row of a popt option table.
 *
 * @param longName  without the leading {@code --}, or null
 * @param shortName the short option character, or 0
 * @param argKind   whether it takes an argument
 * @param tag       what the caller gets back when the option is found (popt's {@code val})
 */
public record OptionSpec<T>(String longName, char shortName, ArgKind argKind, T tag) {
}
