package lvs.io.afpacket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lvs.io.NativeMemory;

/**
 * Looks interfaces up with {@code ioctl(SIOCGIFINDEX / SIOCGIFHWADDR / SIOCGIFMTU)} on a throw-away
 * UDP socket. Unlike {@code /sys/class/net}, ioctls answer for the network namespace the calling
 * thread is in (sysfs shows the namespace it was mounted in). Control path only.
 */
public final class NetworkInterfaces {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private NetworkInterfaces() {
    }

    /** Index, MAC and MTU of interface {@code name} in the calling thread's network namespace. */
    public static InterfaceInfo lookup(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ) {
            throw new IOException("bad interface name '" + name + "'");
        }
        LinuxSyscalls libc = LinuxSyscalls.load();
        int fd = libc.socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_INET, SOCK_DGRAM): errno " + LinuxSyscalls.errno());
        }
        try {
            NativeMemory ifreq = new NativeMemory(IFREQ_SIZE);
            int index = query(libc, fd, ifreq, nameBytes, LinuxSyscalls.SIOCGIFINDEX, name).getInt(IFNAMSIZ);
            var hw = query(libc, fd, ifreq, nameBytes, LinuxSyscalls.SIOCGIFHWADDR, name);
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (hw.getByte(IFNAMSIZ + 2 + i) & 0xFF);
            }
            int mtu = query(libc, fd, ifreq, nameBytes, LinuxSyscalls.SIOCGIFMTU, name).getInt(IFNAMSIZ);
            return new InterfaceInfo(name, index, mac, mtu);
        } finally {
            libc.close(fd);
        }
    }

    private static org.agrona.concurrent.UnsafeBuffer query(
        LinuxSyscalls libc, int fd, NativeMemory ifreq, byte[] name, long request, String text) throws IOException {
        ifreq.buffer.setMemory(0, IFREQ_SIZE, (byte) 0);
        ifreq.buffer.putBytes(0, name);
        if (libc.ioctl(fd, request, ifreq.address) < 0) {
            throw new IOException("ioctl(0x" + Long.toHexString(request) + ") on " + text + ": errno "
                + LinuxSyscalls.errno());
        }
        return ifreq.buffer;
    }
}
