package lvs.io.xdp;

import java.io.IOException;

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
            NativeBlock kv = new NativeBlock(16);
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
