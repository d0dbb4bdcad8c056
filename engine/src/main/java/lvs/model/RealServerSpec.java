package lvs.model;

import java.util.Objects;

/**
 * A real server's settings as {@code -a}/{@code -e} give them (the kernel's {@code ip_vs_dest_user}).
 * {@code -e} replaces all of them; omitted options take their defaults.
 *
 * @param address         real server address (its family may differ from the service's only for tunnels)
 * @param port            real server port, after ipvsadm's port forcing for {@code -g}/{@code -i}
 * @param method          forwarding method
 * @param weight          0..INT_MAX; 0 = quiesced
 * @param upperThreshold  {@code -x}, 0 = none
 * @param lowerThreshold  {@code -y}, 0 = none
 * @param tunnelType      {@code --tun-type}
 * @param tunnelPort      {@code --tun-port}, 0 when unset
 * @param tunnelFlags     the kernel's IP_VS_TUNNEL_ENCAP_FLAG_* bits: CSUM = 1, REMCSUM = 2; 0 = nocsum
 */
public record RealServerSpec(InetAddress address, int port, ForwardingMethod method, int weight,
                             long upperThreshold, long lowerThreshold, TunnelType tunnelType,
                             int tunnelPort, int tunnelFlags) {
    public static final int TUNNEL_FLAG_CSUM = 1;
    public static final int TUNNEL_FLAG_REMCSUM = 2;

    public RealServerSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(tunnelType, "tunnelType");
    }
}
