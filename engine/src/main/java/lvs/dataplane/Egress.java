package lvs.dataplane;

/**
 * Where an {@link Encapsulator}'s frames go, filled in by the pipeline for each packet (one reused
 * instance, so nothing is allocated): the way to the real server, the tunnel settings of its
 * destination, and the way back to the client for an ICMP error (the interface the frame came in on,
 * to the MAC address it came from, as the reverse route nearly always is).
 */
public final class Egress {
    /** Interface towards the real server. */
    public int ifIndex;
    /** Our MAC address on {@link #ifIndex}. */
    public long sourceMac;
    /** The next hop's MAC address (the real server's, or its gateway's). */
    public long nextHopMac;
    /** MTU of the route to the real server (the interface's). */
    public int routeMtu;
    /**
     * True when the real server is IPv6: the outer header is IPv6 (the kernel's {@code ip_vs_tunnel_xmit_v6})
     * and the {@code *Hi}/{@code *Lo} addresses below apply; false: IPv4 and the {@code int} ones.
     */
    public boolean outerIpv6;
    /** The outer source address: the preferred source of the route to the real server. */
    public int sourceAddress;
    /** The real server: the outer destination. */
    public int realAddress;
    /** {@link #sourceAddress} for an IPv6 real server, as (hi, lo) halves like {@link lvs.packet.FlowKey}'s. */
    public long sourceAddressHi;
    public long sourceAddressLo;
    /** {@link #realAddress} for an IPv6 real server. */
    public long realAddressHi;
    public long realAddressLo;
    /** {@code --tun-type} as {@code lvs.model.TunnelType#kernelValue()}: 0 IPIP, 1 GUE, 2 GRE. */
    public int tunnelType;
    /** {@code --tun-port} (GUE's UDP destination port). */
    public int tunnelPort;
    /** IP_VS_TUNNEL_ENCAP_FLAG_*: CSUM = 1, REMCSUM = 2, 0 = no checksum. */
    public int tunnelFlags;
    /** Interface the client's frame arrived on. */
    public int replyIfIndex;
    /** Our MAC address on {@link #replyIfIndex}. */
    public long replySourceMac;
    /** The MAC address the client's frame came from. */
    public long replyDestinationMac;
}
