package lvs.sched;

/** The service's scheduler flags ({@code ipvsadm -b}), with the kernel's bit values. */
public final class SchedulerFlags {
    /** {@code flag-1}: sh-fallback / mh-fallback (IP_VS_SVC_F_SCHED1). */
    public static final int SCHED1 = 0x0008;
    /** {@code flag-2}: sh-port / mh-port (IP_VS_SVC_F_SCHED2). */
    public static final int SCHED2 = 0x0010;
    /** {@code flag-3}: defined by the kernel, used by no scheduler (IP_VS_SVC_F_SCHED3). */
    public static final int SCHED3 = 0x0020;

    public static final int FALLBACK = SCHED1;
    public static final int PORT = SCHED2;

    private SchedulerFlags() {
    }
}
