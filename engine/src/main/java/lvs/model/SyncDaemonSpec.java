package lvs.model;

import java.util.Objects;

/**
 * A connection-synchronisation daemon as {@code --start-daemon} starts it and {@code -L --daemon} lists it,
 * with the kernel's defaults already applied (group 224.0.0.81, port 8848, ttl 1, maxlen from the MTU).
 *
 * @param state          MASTER or BACKUP
 * @param interfaceName  {@code --mcast-interface} (ipvsadm's default: eth0)
 * @param syncId         0..255
 * @param maxLength      sync message size limit in bytes
 * @param group          multicast group
 * @param port           UDP port
 * @param ttl            multicast TTL
 */
public record SyncDaemonSpec(State state, String interfaceName, int syncId, int maxLength,
                             InetAddress group, int port, int ttl) {
    public enum State {
        MASTER("master", 1),
        BACKUP("backup", 2);

        private final String optionName;
        private final int kernelValue;

        State(String optionName, int kernelValue) {
            this.optionName = optionName;
            this.kernelValue = kernelValue;
        }

        public String optionName() {
            return optionName;
        }

        /** IP_VS_STATE_MASTER = 1, IP_VS_STATE_BACKUP = 2. */
        public int kernelValue() {
            return kernelValue;
        }
    }

    public SyncDaemonSpec {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(group, "group");
    }
}
