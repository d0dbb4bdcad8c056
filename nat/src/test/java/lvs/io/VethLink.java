package lvs.io;

import java.io.IOException;

import lvs.fixtures.io.PacketIoContract;
import lvs.fixtures.netns.NetnsLab;
import lvs.io.afpacket.NetworkInterfaces;
import lvs.io.afpacket.NetworkNamespace;

/** Two lab namespaces joined by a veth pair a0 ↔ b0, with a backend opened on each end. */
final class VethLink implements PacketIoContract.Link {
    /** Opens a backend on one interface of the calling thread's (lab) namespace. */
    interface Opener {
        PacketIo open(String interfaceName) throws IOException;
    }

    private final NetnsLab lab;
    private PacketIo a;
    private PacketIo b;
    private int aIndex;
    private int bIndex;

    private VethLink(NetnsLab lab) {
        this.lab = lab;
    }

    static VethLink open(Opener opener) throws IOException {
        VethLink link = new VethLink(new NetnsLab());
        try {
            String nsA = link.lab.namespace("a");
            String nsB = link.lab.namespace("b");
            link.lab.veth(nsA, "a0", "02:00:00:00:0a:01", nsB, "b0", "02:00:00:00:0b:01");
            try (NetworkNamespace in = NetworkNamespace.enter(nsA)) {
                link.aIndex = NetworkInterfaces.lookup("a0").index();
                link.a = opener.open("a0");
            }
            try (NetworkNamespace in = NetworkNamespace.enter(nsB)) {
                link.bIndex = NetworkInterfaces.lookup("b0").index();
                link.b = opener.open("b0");
            }
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    @Override
    public PacketIo a() {
        return a;
    }

    @Override
    public int aIfIndex() {
        return aIndex;
    }

    @Override
    public PacketIo b() {
        return b;
    }

    @Override
    public int bIfIndex() {
        return bIndex;
    }

    @Override
    public void close() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            lab.close();
        }
    }
}
