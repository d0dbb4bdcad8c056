package lvs.io.afpacket;

import java.io.IOException;
import lvs.io.NativeMemory;

/**
 * Classic BPF programs for AF_PACKET sockets: as a socket filter ({@code SO_ATTACH_FILTER}, run by the
 * kernel before it clones or copies a frame for the socket) and as the program of a
 * {@code PACKET_FANOUT_CBPF} group (its result picks the member socket). Each program is built once in
 * native memory; attaching it is one {@code setsockopt}, never done per packet.
 *
 * <pre>
 * struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }        8 bytes
 * struct sock_fprog  { u16 len; (pad) struct sock_filter *filter; }  16 bytes on x86-64
 * </pre>
 */
final class SocketFilter {
    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_LD_H_ABS = 0x28;
    private static final int BPF_LD_W_LEN = 0x80;
    private static final int BPF_JMP_JEQ_K = 0x15;
    private static final int BPF_JMP_JGE_K = 0x35;
    private static final int BPF_RET_K = 0x06;
    /** {@code SKF_AD_OFF + SKF_AD_PKTTYPE}: loads skb->pkt_type. */
    private static final int LOAD_PKTTYPE = 0xFFFF_F000 + 4;
    /** PACKET_HOST 0, BROADCAST 1, MULTICAST 2 are inbound; OTHERHOST 3, OUTGOING 4, LOOPBACK 5... are not. */
    private static final int PACKET_OTHERHOST = 3;
    private static final int PACKET_OUTGOING = 4;
    private static final int WHOLE_FRAME = 0xFFFF_FFFF;
    private static final int FPROG_SIZE = 16;

    /**
     * Drops the frames the host sends (what {@code PACKET_IGNORE_OUTGOING} does for a lone socket: in a
     * fanout group, older kernels apply the group's setting, not the socket's, and forwarding our own
     * transmissions again would loop).
     */
    static final SocketFilter NOT_OUTGOING = new SocketFilter(
        BPF_LD_W_ABS, 0, 0, LOAD_PKTTYPE,
        BPF_JMP_JEQ_K, 0, 1, PACKET_OUTGOING,
        BPF_RET_K, 0, 0, 0,
        BPF_RET_K, 0, 0, WHOLE_FRAME);

    /**
     * What a director's IP stack (and so IPVS) would look at: frames to this host's MAC, broadcast or
     * multicast, carrying IPv4, IPv6 or ARP, possibly behind a VLAN tag. Dropped in the kernel, before
     * any copy: frames for other hosts' MACs (seen in promiscuous mode or on a bridge port; {@code ip_rcv}
     * drops them too, so IPVS never forwards them), outgoing frames, and other EtherTypes (LLDP, STP,
     * 802.1X...), none of which lvsd handles. Frames too short for an Ethernet header pass, so the data
     * plane still counts them as malformed.
     */
    static final SocketFilter HOST_IP_AND_ARP = new SocketFilter(
        /* 0 */ BPF_LD_W_LEN, 0, 0, 0,
        /* 1 */ BPF_JMP_JGE_K, 0, 9, 14,          // shorter than an Ethernet header: accept (11)
        /* 2 */ BPF_LD_W_ABS, 0, 0, LOAD_PKTTYPE,
        /* 3 */ BPF_JMP_JGE_K, 6, 0, PACKET_OTHERHOST, // otherhost, outgoing...: drop (10)
        /* 4 */ BPF_LD_H_ABS, 0, 0, 12,
        /* 5 */ BPF_JMP_JEQ_K, 5, 0, 0x0800,
        /* 6 */ BPF_JMP_JEQ_K, 4, 0, 0x86DD,
        /* 7 */ BPF_JMP_JEQ_K, 3, 0, 0x0806,
        /* 8 */ BPF_JMP_JEQ_K, 2, 0, 0x8100,
        /* 9 */ BPF_JMP_JEQ_K, 1, 0, 0x88A8,
        /* 10 */ BPF_RET_K, 0, 0, 0,
        /* 11 */ BPF_RET_K, 0, 0, WHOLE_FRAME);

    /** Drops everything: a socket receives nothing until it is set up completely. */
    static final SocketFilter NOTHING = constant(0);

    private final NativeMemory program;

    private SocketFilter(int... instructions) {
        int count = instructions.length / 4;
        program = new NativeMemory(FPROG_SIZE + count * 8);
        program.buffer.putShort(0, (short) count);
        program.buffer.putLong(8, program.address + FPROG_SIZE);
        for (int i = 0; i < count; i++) {
            int at = FPROG_SIZE + i * 8;
            program.buffer.putShort(at, (short) instructions[i * 4]);
            program.buffer.putByte(at + 2, (byte) instructions[i * 4 + 1]);
            program.buffer.putByte(at + 3, (byte) instructions[i * 4 + 2]);
            program.buffer.putInt(at + 4, instructions[i * 4 + 3]);
        }
    }

    /** A program that returns {@code value} for every frame (as a fanout program: the member index). */
    static SocketFilter constant(int value) {
        return new SocketFilter(BPF_RET_K, 0, 0, value);
    }

    /** Replaces the socket filter of {@code fd} with this program. */
    void attach(LinuxSyscalls libc, int fd) throws IOException {
        if (libc.setsockopt(fd, LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_ATTACH_FILTER, program.address,
            FPROG_SIZE) < 0) {
            throw new IOException("setsockopt(SO_ATTACH_FILTER): errno " + LinuxSyscalls.errno());
        }
    }

    /** Makes this the program of the PACKET_FANOUT_CBPF group {@code fd} belongs to; false (errno kept) on failure. */
    boolean steerFanout(LinuxSyscalls libc, int fd) {
        return libc.setsockopt(fd, LinuxSyscalls.SOL_PACKET, LinuxSyscalls.PACKET_FANOUT_DATA, program.address,
            FPROG_SIZE) == 0;
    }
}
