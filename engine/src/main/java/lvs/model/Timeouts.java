package lvs.model;

/**
 * Connection timeouts in seconds, as {@code --set tcp tcpfin udp} sets and {@code -L --timeout} shows.
 * The kernel's defaults are tcp 900, tcpfin 120, udp 300.
 */
public record Timeouts(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
    public static final Timeouts KERNEL_DEFAULTS = new Timeouts(900, 120, 300);
}
