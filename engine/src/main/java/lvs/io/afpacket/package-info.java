/**
 * The Linux AF_PACKET backend of {@link lvs.io.PacketIo}: raw sockets per interface through jnr-ffi,
 * batched with {@code recvmmsg}/{@code sendmmsg}, with {@code PACKET_VNET_HDR} so that frames from
 * virtual NICs (partial checksums, GSO super-frames) are forwarded correctly, and
 * {@code PACKET_IGNORE_OUTGOING} so lvsd never reads its own output.
 */
package lvs.io.afpacket;
