package lvs.model;

import java.util.Objects;

/**
 * A virtual service's settings as {@code -A}/{@code -E} give them (the kernel's {@code ip_vs_service_user}).
 * {@code -E} replaces all of them at once; it is not a merge.
 *
 * @param key               which service
 * @param scheduler         scheduler name ({@code -s}), e.g. {@code wlc}; validated by the table, not here
 * @param persistenceEngine {@code --pe} name, or empty
 * @param flags             {@link ServiceFlags} bits (PERSISTENT, ONEPACKET, SCHED1..3)
 * @param timeoutSeconds    persistence timeout ({@code -p}), 0 when not persistent
 * @param netmask           persistence netmask: for IPv4 the 32-bit mask in host order as an unsigned value
 *                          ({@code 0xffffffffL} by default); for IPv6 the prefix length (128 by default)
 */
public record ServiceSpec(ServiceKey key, String scheduler, String persistenceEngine, int flags,
                          int timeoutSeconds, long netmask) {
    public ServiceSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistenceEngine, "persistenceEngine");
    }

    public boolean isPersistent() {
        return (flags & ServiceFlags.PERSISTENT) != 0;
    }

    public boolean isOnePacket() {
        return (flags & ServiceFlags.ONEPACKET) != 0;
    }
}
