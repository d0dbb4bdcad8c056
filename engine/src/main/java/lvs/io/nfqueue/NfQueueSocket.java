package lvs.io.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import lvs.io.MarkedFrameHandler;
import lvs.io.MarkedPacketSource;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One nfnetlink_queue queue, read over a NETLINK_NETFILTER socket: the kernel hands over each packet a
 * {@code -j NFQUEUE --queue-num N} rule queued, with its firewall mark and input interface, and waits
 * for a verdict. Packets the handler takes are dropped in the kernel with one batch verdict per poll
 * (lvsd has already sent its own rewritten copy); the others are accepted one by one, unchanged.
 *
 * <p>Netlink headers are in host byte order, nfqueue's attribute values in network order. Packets
 * arrive whole and with complete checksums: without {@code NFQA_CFG_F_GSO} the kernel segments GSO
 * packets and finishes partial checksums before queueing. No allocation after {@link #open}.
 */
public final class NfQueueSocket implements MarkedPacketSource {
    private static final int NFNL_SUBSYS_QUEUE = 3;
    private static final int MSG_PACKET = NFNL_SUBSYS_QUEUE << 8;
    private static final int MSG_VERDICT = NFNL_SUBSYS_QUEUE << 8 | 1;
    private static final int MSG_CONFIG = NFNL_SUBSYS_QUEUE << 8 | 2;
    private static final int MSG_VERDICT_BATCH = NFNL_SUBSYS_QUEUE << 8 | 3;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLMSG_HEADER = 16;
    private static final int NFGEN_HEADER = 4;

    private static final int CFG_CMD = 1;
    private static final int CFG_PARAMS = 2;
    private static final int CFG_QUEUE_MAXLEN = 3;
    private static final int CMD_BIND = 1;
    private static final int COPY_PACKET = 2;

    private static final int ATTR_PACKET_HDR = 1;
    private static final int ATTR_VERDICT_HDR = 2;
    private static final int ATTR_MARK = 3;
    private static final int ATTR_IFINDEX_INDEV = 5;
    private static final int ATTR_HWADDR = 9;
    private static final int ATTR_PAYLOAD = 10;
    private static final int ATTR_TYPE_MASK = 0x3fff;

    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;

    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    /** Largest message: a 64 KiB packet plus the attributes in front of it. */
    private static final int RX_BYTES = 70_000;
    private static final int SOCKET_BUFFER = 8 << 20;
    /** Packets the kernel may hold for us before it drops (its default is 1024). */
    private static final int QUEUE_MAXLEN = 8192;

    private final NetlinkLibc libc;
    private final int fd;
    private final int queue;
    private final UnsafeBuffer rx;
    private final UnsafeBuffer tx;
    private final ByteOrder host = ByteOrder.nativeOrder();
    private long received;
    private long accepted;
    private long verdictFailures;
    private boolean closed;

    private NfQueueSocket(NetlinkLibc libc, int fd, int queue) {
        this.libc = libc;
        this.fd = fd;
        this.queue = queue;
        this.rx = new UnsafeBuffer(ByteBuffer.allocateDirect(RX_BYTES));
        this.tx = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    }

    /** Binds queue {@code queue} of the calling thread's network namespace (needs CAP_NET_ADMIN). */
    public static NfQueueSocket open(int queue) throws IOException {
        if (queue < 0 || queue > 65535) {
            throw new IllegalArgumentException("queue must be 0..65535: " + queue);
        }
        NetlinkLibc libc = NetlinkLibc.load();
        int fd = libc.socket(NetlinkLibc.AF_NETLINK, NetlinkLibc.SOCK_RAW, NetlinkLibc.NETLINK_NETFILTER);
        if (fd < 0) {
            throw new IOException("socket(AF_NETLINK, NETLINK_NETFILTER): errno " + NetlinkLibc.errno());
        }
        NfQueueSocket s = new NfQueueSocket(libc, fd, queue);
        try {
            s.configure();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void configure() throws IOException {
        // sockaddr_nl {family, pad, pid 0 (kernel assigns), groups 0}
        tx.setMemory(0, 12, (byte) 0);
        tx.putShort(0, (short) NetlinkLibc.AF_NETLINK, host);
        check(libc.bind(fd, tx.addressOffset(), 12), "bind");
        tx.putInt(0, SOCKET_BUFFER, host);
        check(libc.setsockopt(fd, NetlinkLibc.SOL_SOCKET, NetlinkLibc.SO_RCVBUFFORCE, tx.addressOffset(), 4),
            "SO_RCVBUFFORCE");
        // A full socket buffer costs packets (the kernel drops them), not an ENOBUFS error on every read.
        tx.putInt(0, 1, host);
        check(libc.setsockopt(fd, NetlinkLibc.SOL_NETLINK, NetlinkLibc.NETLINK_NO_ENOBUFS, tx.addressOffset(), 4),
            "NETLINK_NO_ENOBUFS");

        int p = header(MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK);
        p = attribute(p, CFG_CMD, 4);
        tx.putByte(p - 4, (byte) CMD_BIND);
        tx.putByte(p - 3, (byte) 0);
        tx.putShort(p - 2, (short) 0, ByteOrder.BIG_ENDIAN);
        p = attribute(p, CFG_PARAMS, 5);
        tx.putInt(p - 8, 0xffff, ByteOrder.BIG_ENDIAN); // copy range: the whole packet
        tx.putByte(p - 4, (byte) COPY_PACKET);
        p = attribute(p, CFG_QUEUE_MAXLEN, 4);
        tx.putInt(p - 4, QUEUE_MAXLEN, ByteOrder.BIG_ENDIAN);
        tx.putInt(0, p, host);
        if (libc.send(fd, tx.addressOffset(), p, 0) != p) {
            throw new IOException("nfqueue config: send failed, errno " + NetlinkLibc.errno());
        }
        int n = libc.recv(fd, rx.addressOffset(), RX_BYTES, 0);
        if (n < NLMSG_HEADER + 4 || rx.getShort(4, host) != NLMSG_ERROR) {
            throw new IOException("nfqueue config: no acknowledgement (" + n + " bytes, errno " + NetlinkLibc.errno() + ")");
        }
        int error = rx.getInt(NLMSG_HEADER, host);
        if (error != 0) {
            throw new IOException("nfqueue: binding queue " + queue + " failed: errno " + -error
                + (error == -16 ? " (another program holds this queue)" : ""));
        }
    }

    /** Writes nlmsghdr + nfgenmsg for our queue at 0; returns the next free offset (length set by caller). */
    private int header(int type, int flags) {
        tx.putInt(0, 0, host);
        tx.putShort(4, (short) type, host);
        tx.putShort(6, (short) flags, host);
        tx.putInt(8, 0, host);
        tx.putInt(12, 0, host);
        tx.putByte(16, (byte) 0);  // AF_UNSPEC
        tx.putByte(17, (byte) 0);  // NFNETLINK_V0
        tx.putShort(18, (short) queue, ByteOrder.BIG_ENDIAN);
        return NLMSG_HEADER + NFGEN_HEADER;
    }

    /** Writes an attribute header at {@code p} for a value of {@code length}; returns the padded end. */
    private int attribute(int p, int type, int length) {
        tx.putShort(p, (short) (4 + length), host);
        tx.putShort(p + 2, (short) type, host);
        int end = p + 4 + ((length + 3) & ~3);
        tx.setMemory(p + 4, end - p - 4, (byte) 0);
        return end;
    }

    private static void check(int rc, String what) throws IOException {
        if (rc < 0) {
            throw new IOException("nfqueue " + what + ": errno " + NetlinkLibc.errno());
        }
    }

    @Override
    public int poll(MarkedFrameHandler handler, int limit) {
        int packets = 0;
        long lastDropped = -1;
        while (packets < limit) {
            int n = libc.recv(fd, rx.addressOffset(), RX_BYTES, NetlinkLibc.MSG_DONTWAIT);
            if (n <= 0) {
                break;
            }
            int p = 0;
            while (p + NLMSG_HEADER <= n) {
                int length = rx.getInt(p, host);
                if (length < NLMSG_HEADER || p + length > n) {
                    break;
                }
                if ((rx.getShort(p + 4, host) & 0xffff) == MSG_PACKET) {
                    long id = onPacket(handler, p + NLMSG_HEADER + NFGEN_HEADER, p + length);
                    if (id >= 0) {
                        lastDropped = id;
                    }
                    packets++;
                }
                p += (length + 3) & ~3;
            }
        }
        if (lastDropped >= 0) {
            verdict(MSG_VERDICT_BATCH, lastDropped, NF_DROP); // every id up to it still queued
        }
        return packets;
    }

    /** Hands one packet to the handler; returns its id when it is to be dropped, else -1 (accepted now). */
    private long onPacket(MarkedFrameHandler handler, int p, int end) {
        long id = -1;
        int ethertype = ETHERTYPE_IPV4;
        int mark = 0;
        int ifIndex = 0;
        int hwaddr = -1;
        int payload = -1;
        int payloadLength = 0;
        while (p + 4 <= end) {
            int length = rx.getShort(p, host) & 0xffff;
            if (length < 4 || p + length > end) {
                break;
            }
            int type = rx.getShort(p + 2, host) & ATTR_TYPE_MASK;
            int v = p + 4;
            switch (type) {
                case ATTR_PACKET_HDR -> {
                    id = rx.getInt(v, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
                    int hw = rx.getShort(v + 4, ByteOrder.BIG_ENDIAN) & 0xffff;
                    ethertype = hw != 0 ? hw : ETHERTYPE_IPV4;
                }
                case ATTR_MARK -> mark = rx.getInt(v, ByteOrder.BIG_ENDIAN);
                case ATTR_IFINDEX_INDEV -> ifIndex = rx.getInt(v, ByteOrder.BIG_ENDIAN);
                case ATTR_HWADDR -> {
                    if ((rx.getShort(v, ByteOrder.BIG_ENDIAN) & 0xffff) == 6) {
                        hwaddr = v + 4;
                    }
                }
                case ATTR_PAYLOAD -> {
                    payload = v;
                    payloadLength = length - 4;
                }
                default -> { }
            }
            p += (length + 3) & ~3;
        }
        if (id < 0) {
            return -1;
        }
        received++;
        if (payload < ETHERNET_HEADER) {
            verdict(MSG_VERDICT, id, NF_ACCEPT);
            accepted++;
            return -1;
        }
        // Every attribute has been read, so the bytes in front of the payload are free for a header.
        int frame = payload - ETHERNET_HEADER;
        long source = 0;
        if (hwaddr >= 0) {
            source = (rx.getInt(hwaddr, ByteOrder.BIG_ENDIAN) & 0xffffffffL) << 16
                | (rx.getShort(hwaddr + 4, ByteOrder.BIG_ENDIAN) & 0xffffL);
        }
        rx.putInt(frame, 0);
        rx.putShort(frame + 4, (short) 0);
        rx.putInt(frame + 6, (int) (source >>> 16), ByteOrder.BIG_ENDIAN);
        rx.putShort(frame + 10, (short) source, ByteOrder.BIG_ENDIAN);
        rx.putShort(frame + 12, (short) ethertype, ByteOrder.BIG_ENDIAN);
        if (handler.onMarkedFrame(ifIndex, mark, rx, frame, payloadLength + ETHERNET_HEADER)) {
            return id;
        }
        verdict(MSG_VERDICT, id, NF_ACCEPT);
        accepted++;
        return -1;
    }

    private void verdict(int type, long id, int verdict) {
        int p = header(type, NLM_F_REQUEST);
        p = attribute(p, ATTR_VERDICT_HDR, 8);
        tx.putInt(p - 8, verdict, ByteOrder.BIG_ENDIAN);
        tx.putInt(p - 4, (int) id, ByteOrder.BIG_ENDIAN);
        tx.putInt(0, p, host);
        if (libc.send(fd, tx.addressOffset(), p, 0) != p) {
            verdictFailures++;
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    public int queue() {
        return queue;
    }

    /** Packets received, given back to the kernel, and verdicts that could not be sent (agent thread). */
    public long received() {
        return received;
    }

    public long accepted() {
        return accepted;
    }

    public long verdictFailures() {
        return verdictFailures;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd); // the kernel unbinds the queue and drops what it still held
        }
    }
}
