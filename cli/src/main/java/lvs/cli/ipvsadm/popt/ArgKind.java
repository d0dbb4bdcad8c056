package lvs.cli.ipvsadm.popt;

/** Whether a popt option takes an argument. */
public enum ArgKind {
    /** A flag: {@code --stats=1} is "option does not take an argument". */
    NONE,
    /** Always takes the rest of the cluster, or the next argv word, whatever it looks like. */
    REQUIRED,
    /**
     * popt's POPT_ARGFLAG_OPTIONAL: the rest of the cluster or {@code =value}, else the next argv word
     * only if it does not start with {@code -}.
     */
    OPTIONAL
}
