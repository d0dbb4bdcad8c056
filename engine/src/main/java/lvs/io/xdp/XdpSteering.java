package lvs.io.xdp;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import lvs.io.kernel.GuardTarget;
import lvs.io.NativeMemory;

/**
 * The steering map: which (direction, protocol, address, port) the XDP program redirects to lvsd.
 * Written by the control thread (bpf(2) map updates are atomic per entry and independent of the
 * data-plane thread's rings). lvsd keeps it a subset of what its kernel guard drops, so that steering
 * never takes from the kernel a frame it would otherwise have seen.
 */
public final class XdpSteering implements AutoCloseable {
    /** Room for 10,000 services x 10 real servers and churn; entries are allocated on demand. */
    static final int MAX_ENTRIES = 262_144;

    final int mapFd;
    private final NativeMemory key = new NativeMemory(SteeringProgram.KEY_SIZE + 12);
    private final Set<GuardTarget> installed = new HashSet<>();
    private boolean closed;

    XdpSteering() throws IOException {
        mapFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, SteeringProgram.KEY_SIZE, 4, MAX_ENTRIES, Bpf.F_NO_PREALLOC,
            "lvsd_guard");
    }

    /**
     * Makes the map hold exactly {@code targets}. Returns how many entries could not be written
     * (map full): their frames keep the AF_PACKET path, which is slower but equivalent.
     */
    public synchronized int replace(Set<GuardTarget> targets) {
        if (closed) {
            return 0;
        }
        int failed = 0;
        for (var it = installed.iterator(); it.hasNext(); ) {
            GuardTarget t = it.next();
            if (!targets.contains(t)) {
                writeKey(t);
                Bpf.delete(mapFd, key.address);
                it.remove();
            }
        }
        for (GuardTarget t : targets) {
            if (!installed.contains(t) && t.protocol() != 0) {
                writeKey(t);
                key.buffer.putInt(SteeringProgram.KEY_SIZE + 4, 1);
                if (Bpf.update(mapFd, key.address, key.address + SteeringProgram.KEY_SIZE + 4) == 0) {
                    installed.add(t);
                } else {
                    failed++;
                }
            }
        }
        return failed;
    }

    /** What the map holds now. */
    public synchronized Set<GuardTarget> targets() {
        return Set.copyOf(installed);
    }

    /** The key layout of {@link SteeringProgram}: kind, protocol, port (network order), address. */
    private void writeKey(GuardTarget t) {
        byte[] address = t.address().bytes();
        key.zero(SteeringProgram.KEY_SIZE);
        int kind = (t.direction() == GuardTarget.Direction.FROM ? SteeringProgram.KIND_SOURCE : 0)
            | (address.length == 16 ? SteeringProgram.KIND_IPV6 : 0);
        key.buffer.putByte(0, (byte) kind);
        key.buffer.putByte(1, (byte) t.protocol());
        key.buffer.putByte(2, (byte) (t.port() >> 8));
        key.buffer.putByte(3, (byte) t.port());
        key.buffer.putBytes(4, address);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            XdpSyscalls.load().close(mapFd);
        }
    }
}
