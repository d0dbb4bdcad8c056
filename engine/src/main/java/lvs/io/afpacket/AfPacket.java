package lvs.io.afpacket;

/** Whether the AF_PACKET backend can work here: Linux, jnr-ffi's native stub loads, libc binds. */
public final class AfPacket {
    private AfPacket() {
    }

    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why the backend is unavailable, or null when it is available. */
    public static Throwable unavailabilityCause() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new UnsupportedOperationException("AF_PACKET needs Linux");
        }
        try {
            LinuxSyscalls.load();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
