package lvs.model;

/** The kernel's IP_VS_SVC_F_* bits, as they travel in {@link ServiceSpec#flags()}. */
public final class ServiceFlags {
    /** {@code -p}: persistent service. */
    public static final int PERSISTENT = 0x0001;
    /** Set by the kernel on every service in its hash table; ipvsadm never shows it. */
    public static final int HASHED = 0x0002;
    /** {@code -o}: one-packet scheduling. */
    public static final int ONEPACKET = 0x0004;
    /** {@code -b flag-1}, {@code sh-fallback}, {@code mh-fallback}. */
    public static final int SCHED1 = 0x0008;
    /** {@code -b flag-2}, {@code sh-port}, {@code mh-port}. */
    public static final int SCHED2 = 0x0010;
    /** {@code -b flag-3}. */
    public static final int SCHED3 = 0x0020;
    /** The three scheduler bits, which {@code -b} replaces as a group. */
    public static final int SCHED_MASK = SCHED1 | SCHED2 | SCHED3;

    private ServiceFlags() {
    }
}
