/**
 * The pcap4j backend of {@link lvs.io.PacketIo}: portable wherever libpcap is, and 2–3× slower than
 * AF_PACKET (pcap4j copies every frame into a new {@code byte[]}; feasibility §3). Also reads and
 * writes pcap files ({@link lvs.io.pcap.PcapFiles}) for packet goldens that open in Wireshark.
 */
package lvs.io.pcap;
