package lvs.table;

/**
 * The errno values the kernel's IPVS control code returns, and which ipvsadm turns into messages
 * (ipvsadm's {@code ipvs_strerror}: a function-specific text first, then the generic one).
 */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    ESRCH(3),
    ENOMEM(12),
    EEXIST(17),
    ENODEV(19),
    EINVAL(22),
    ERANGE(34),
    ENOPROTOOPT(92),
    EAFNOSUPPORT(97);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
