package lvs.cli.ipvsadm.popt;

/** What {@link PoptTokenizer#next()} found: an option, the end of the options, or a popt error. */
public sealed interface PoptEvent<T> {
    /**
     * An option and its argument (null when none was given); {@code argvWord} is what
     * {@code poptBadOption()} would name now: the last argv word consumed.
     */
    record Found<T>(OptionSpec<T> option, String argument, String argvWord) implements PoptEvent<T> {
    }

    /** No more options; leftovers are available from the tokenizer. */
    record End<T>() implements PoptEvent<T> {
    }

    /**
     * A popt error. {@code badOption} is what {@code poptBadOption()} returns (the whole argv word being
     * read), {@code message} what {@code poptStrerror()} returns.
     */
    record Error<T>(String badOption, String message) implements PoptEvent<T> {
    }
}
