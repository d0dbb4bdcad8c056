/**
 * {@code -i}: the director's TUN transmitter (the kernel's {@code ip_vs_tunnel_xmit}, §5.4 of the
 * kernel notes). The client's IPv4 packet, TTL − 1, is wrapped in an outer IPv4 header to the real
 * server: IPIP (protocol 4), GUE (UDP to {@code --tun-port} + a 4-byte GUE header, optional remote
 * checksum offload) or GRE (protocol 47, optional checksum). Too-big DF packets are answered with ICMP
 * "fragmentation needed"; GSO super-frames are cut in software first, because {@code virtio_net_hdr}
 * cannot describe a tunnelled GSO frame. The real server replies to the client directly.
 */
package lvs.fwd.tun;
