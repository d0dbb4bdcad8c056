package lvs.io.xdp;

import java.io.IOException;
import lvs.io.NativeMemory;

/**
 * The steering program loaded for one interface and attached to it as a bpf_link, with the XSKMAP
 * that holds the interface's AF_XDP socket. Closing it detaches the program (so does the death of
 * the process: the kernel drops a link with its last file descriptor, so a crashed lvsd leaves no
 * program behind to black-hole traffic).
 */
final class XdpProgram implements AutoCloseable {
    private static final int XSKMAP_ENTRIES = 64;

    final String mode;
    private final int xskMapFd;
    private final int linkFd;
    private boolean closed;

    private XdpProgram(int xskMapFd, int linkFd, String mode) {
        this.xskMapFd = xskMapFd;
        this.linkFd = linkFd;
        this.mode = mode;
    }

    /**
     * Creates the XSKMAP with {@code socketFd} at key 0 (queue 0), loads the program and attaches it
     * to {@code ifIndex} in the configured mode ({@code AUTO}: native, else generic).
     *
     * @param steerMapFd the guard's steering map, or -1 to redirect every frame
     * @param maxFrame   longer frames pass (see {@link SteeringProgram})
     */
    static XdpProgram attach(int ifIndex, String ifName, int socketFd, int steerMapFd, int maxFrame,
                             XdpConfig.AttachMode mode) throws IOException {
        XdpSyscalls libc = XdpSyscalls.load();
        int xskMap = Bpf.createMap(Bpf.MAP_TYPE_XSKMAP, 4, 4, XSKMAP_ENTRIES, 0, "lvsd_xsks");
        int prog = -1;
        try {
            NativeMemory kv = new NativeMemory(16);
            kv.buffer.putInt(0, 0);
            kv.buffer.putInt(8, socketFd);
            int errno = Bpf.update(xskMap, kv.address, kv.address + 8);
            if (errno != 0) {
                throw new IOException("XSKMAP update for " + ifName + ": errno " + errno);
            }
            long[] code = steerMapFd >= 0 ? SteeringProgram.steered(xskMap, steerMapFd, maxFrame)
                : SteeringProgram.everything(xskMap, maxFrame);
            prog = Bpf.loadXdp(code, "lvsd_steer");
            int link = -1;
            String used = null;
            if (mode != XdpConfig.AttachMode.GENERIC) {
                link = Bpf.attachXdp(prog, ifIndex, Bpf.XDP_FLAGS_DRV_MODE);
                used = "native";
            }
            if (link < 0 && mode != XdpConfig.AttachMode.DRIVER) {
                String why = mode == XdpConfig.AttachMode.AUTO ? " (native: errno " + -link + ")" : "";
                refuseMergedFrames(ifName);
                link = Bpf.attachXdp(prog, ifIndex, Bpf.XDP_FLAGS_SKB_MODE);
                used = "generic" + why;
            }
            if (link < 0) {
                throw new IOException("attaching XDP to " + ifName + ": errno " + -link
                    + (-link == XdpSyscalls.EBUSY ? " (another XDP program is attached; lvsd never replaces "
                    + "a program it did not attach: remove it with 'ip link set dev " + ifName + " xdp off')" : ""));
            }
            return new XdpProgram(xskMap, link, used);
        } catch (IOException | RuntimeException e) {
            libc.close(xskMap);
            throw e;
        } finally {
            if (prog >= 0) {
                libc.close(prog); // the link holds the program
            }
        }
    }

    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GFLAGS = 0x25;
    private static final int ETHTOOL_GGRO = 0x2b;
    private static final int ETH_FLAG_LRO = 1 << 15;

    /**
     * Generic XDP runs after GRO (and sees LRO's work): a merged TCP frame, even one shorter than the
     * MTU, carries the first segment's checksum and only the skb knows it is a merge, so lvsd would
     * forward it broken. Generic mode is therefore refused while GRO or LRO is on (veth's default is
     * off; native XDP runs before GRO and has no such problem).
     */
    private static void refuseMergedFrames(String ifName) throws IOException {
        XdpSyscalls libc = XdpSyscalls.load();
        int fd = libc.socket(2, 2, 0); // AF_INET, SOCK_DGRAM: any socket takes SIOCETHTOOL
        if (fd < 0) {
            throw new IOException("socket for SIOCETHTOOL: errno " + XdpSyscalls.errno());
        }
        try {
            NativeMemory ifreq = new NativeMemory(40);
            NativeMemory value = new NativeMemory(8);
            byte[] name = ifName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ifreq.buffer.putBytes(0, name, 0, Math.min(name.length, 15));
            ifreq.buffer.putLong(16, value.address);
            for (int command : new int[] {ETHTOOL_GGRO, ETHTOOL_GFLAGS}) {
                value.buffer.putInt(0, command);
                value.buffer.putInt(4, 0);
                if (libc.ioctl(fd, SIOCETHTOOL, ifreq.address) < 0) {
                    continue; // a driver without the query: nothing merges there
                }
                int data = value.buffer.getInt(4);
                boolean merges = command == ETHTOOL_GGRO ? data != 0 : (data & ETH_FLAG_LRO) != 0;
                if (merges) {
                    throw new IOException("generic XDP on " + ifName + " would see GRO/LRO-merged frames; "
                        + "turn them off ('ethtool -K " + ifName + " gro off lro off') or use a driver with native XDP");
                }
            }
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            XdpSyscalls libc = XdpSyscalls.load();
            libc.close(linkFd); // detaches
            libc.close(xskMapFd);
        }
    }
}
