/**
 * The packet I/O SPI: {@link lvs.io.PacketIo} moves batches of Ethernet frames between NICs and the
 * data plane without allocating per frame. Backends live in sub-packages: {@code afpacket} (Linux
 * AF_PACKET through jnr-ffi, the fast path), {@code pcap} (pcap4j, portable and slower; also pcap
 * files). {@code kernel} keeps the host kernel away from the traffic lvsd forwards.
 */
package lvs.io;
