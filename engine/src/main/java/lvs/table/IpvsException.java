package lvs.table;

/** A control operation the table refused, carrying the errno the kernel would have returned. */
public final class IpvsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public IpvsException(Errno errno) {
        super(errno.name(), null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
