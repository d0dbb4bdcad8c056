package lvs.cli.ipvsadm;

/**
 * ipvsadm calling {@code exit()}: ends the whole invocation, including a {@code -R} stream in progress.
 * (Errors that ipvsadm merely returns, such as kernel errors, do not use this.)
 */
final class Exit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Exit(int status) {
        super("exit " + status, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
