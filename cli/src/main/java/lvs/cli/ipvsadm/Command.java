package lvs.cli.ipvsadm;

/**
 * ipvsadm's commands, in the column order of its command x option matrix, with the internal names
 * ({@code cmdnames[]}) that appear in messages like {@code Illegal 'numeric' option with the 'flush' command}.
 * HELP and VERSION have no matrix column: they print and exit before any check.
 */
public enum Command {
    ADD_SERVICE("add-service"),
    EDIT_SERVICE("edit-service"),
    DELETE_SERVICE("delete-service"),
    FLUSH("flush"),
    LIST("list"),
    ADD_SERVER("add-server"),
    DELETE_SERVER("delete-server"),
    EDIT_SERVER("edit-server"),
    SET_TIMEOUT("set"),
    START_DAEMON("start-daemon"),
    STOP_DAEMON("stop-daemon"),
    RESTORE("restore"),
    SAVE("save"),
    ZERO("zero"),
    HELP("help"),
    VERSION("version");

    private final String internalName;

    Command(String internalName) {
        this.internalName = internalName;
    }

    public String internalName() {
        return internalName;
    }
}
