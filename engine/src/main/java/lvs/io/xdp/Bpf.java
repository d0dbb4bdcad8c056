package lvs.io.xdp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lvs.io.NativeMemory;

/**
 * The bpf(2) commands the AF_XDP backend uses, each filling a zeroed {@code union bpf_attr} (the
 * kernel refuses non-zero bytes past the fields a command knows). Control path only: every call
 * allocates its attribute block.
 */
final class Bpf {
    static final int MAP_CREATE = 0;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int PROG_LOAD = 5;
    static final int LINK_CREATE = 28;

    static final int MAP_TYPE_HASH = 1;
    static final int MAP_TYPE_XSKMAP = 17;
    static final int F_NO_PREALLOC = 1;
    static final int PROG_TYPE_XDP = 6;
    static final int ATTACH_TYPE_XDP = 37;
    /** IFLA_XDP / link_create flags: generic (skb) mode, after the stack built an skb. */
    static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    /** native (driver) mode: before any skb exists. */
    static final int XDP_FLAGS_DRV_MODE = 1 << 2;

    private static final int ATTR_SIZE = 128;
    private static final int LOG_SIZE = 1 << 16;

    private Bpf() {
    }

    private static int bpf(int command, NativeMemory attr) {
        return XdpSyscalls.load().syscall(XdpSyscalls.SYS_BPF, command, attr.address, ATTR_SIZE);
    }

    /** A map; returns its file descriptor. */
    static int createMap(int type, int keySize, int valueSize, int maxEntries, int flags, String name)
        throws IOException {
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        attr.buffer.putInt(0, type);
        attr.buffer.putInt(4, keySize);
        attr.buffer.putInt(8, valueSize);
        attr.buffer.putInt(12, maxEntries);
        attr.buffer.putInt(16, flags);
        putName(attr, 28, name);
        int fd = bpf(MAP_CREATE, attr);
        if (fd < 0) {
            throw new IOException("bpf(BPF_MAP_CREATE " + name + "): errno " + XdpSyscalls.errno());
        }
        return fd;
    }

    /** Sets {@code key → value} (both raw bytes at native addresses); returns errno or 0. */
    static int update(int mapFd, long keyAddress, long valueAddress) {
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        attr.buffer.putInt(0, mapFd);
        attr.buffer.putLong(8, keyAddress);
        attr.buffer.putLong(16, valueAddress);
        attr.buffer.putLong(24, 0); // BPF_ANY
        return bpf(MAP_UPDATE_ELEM, attr) < 0 ? XdpSyscalls.errno() : 0;
    }

    /** Removes {@code key}; returns errno or 0. */
    static int delete(int mapFd, long keyAddress) {
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        attr.buffer.putInt(0, mapFd);
        attr.buffer.putLong(8, keyAddress);
        return bpf(MAP_DELETE_ELEM, attr) < 0 ? XdpSyscalls.errno() : 0;
    }

    /** Loads an XDP program; on refusal the message carries the verifier's log. */
    static int loadXdp(long[] instructions, String name) throws IOException {
        NativeMemory code = new NativeMemory(instructions.length * 8);
        for (int i = 0; i < instructions.length; i++) {
            code.buffer.putLong(i * 8, instructions[i]);
        }
        NativeMemory license = new NativeMemory(16);
        license.buffer.putStringWithoutLengthAscii(0, "GPL"); // the zeroed block terminates it
        NativeMemory log = new NativeMemory(LOG_SIZE);
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        int fd = -1;
        for (int logLevel = 0; logLevel <= 1 && fd < 0; logLevel++) { // first quietly, then with the log
            attr.zero(ATTR_SIZE);
            attr.buffer.putInt(0, PROG_TYPE_XDP);
            attr.buffer.putInt(4, instructions.length);
            attr.buffer.putLong(8, code.address);
            attr.buffer.putLong(16, license.address);
            if (logLevel > 0) {
                attr.buffer.putInt(24, logLevel);
                attr.buffer.putInt(28, LOG_SIZE);
                attr.buffer.putLong(32, log.address);
            }
            putName(attr, 48, name);
            attr.buffer.putInt(68, ATTACH_TYPE_XDP); // expected_attach_type, as libbpf's SEC("xdp")
            fd = bpf(PROG_LOAD, attr);
        }
        if (fd < 0) {
            int errno = XdpSyscalls.errno();
            int end = 0;
            while (end < LOG_SIZE && log.buffer.getByte(end) != 0) {
                end++;
            }
            byte[] text = new byte[end];
            log.buffer.getBytes(0, text);
            throw new IOException("bpf(BPF_PROG_LOAD " + name + "): errno " + errno + "; verifier:\n"
                + new String(text, StandardCharsets.US_ASCII));
        }
        return fd;
    }

    /**
     * Attaches an XDP program to an interface as a bpf_link. The link lives as long as its file
     * descriptor: closing it, or the death of the process, detaches the program, so a crashed lvsd
     * leaves nothing attached. Returns the link's descriptor, or {@code -errno}.
     */
    static int attachXdp(int progFd, int ifIndex, int modeFlags) {
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        attr.buffer.putInt(0, progFd);
        attr.buffer.putInt(4, ifIndex);
        attr.buffer.putInt(8, ATTACH_TYPE_XDP);
        attr.buffer.putInt(12, modeFlags);
        int fd = bpf(LINK_CREATE, attr);
        return fd < 0 ? -XdpSyscalls.errno() : fd;
    }

    private static void putName(NativeMemory attr, int offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        attr.buffer.putBytes(offset, bytes, 0, Math.min(bytes.length, 15)); // BPF_OBJ_NAME_LEN 16 with NUL
    }
}
