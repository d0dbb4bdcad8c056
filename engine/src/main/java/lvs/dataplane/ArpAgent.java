package lvs.dataplane;

import lvs.dataplane.net.NeighbourTable;
import lvs.dataplane.net.Nic;
import lvs.packet.ArpPacket;
import lvs.packet.EthernetFrame;
import lvs.snapshot.TableSnapshot;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The data plane's ARP: learns neighbours from every ARP packet it sees, answers requests for a VIP
 * that is not configured on the host (the kernel answers for the ones that are), and sends the ARP
 * requests that resolve a missing next hop. One scratch buffer, no allocation per packet.
 */
final class ArpAgent {
    private static final int FRAME_LENGTH = 60; // minimum Ethernet payload padding included

    private final NeighbourTable neighbours;
    private final FrameSink sink;
    private final MutableDirectBuffer scratch = new UnsafeBuffer(new byte[FRAME_LENGTH]);
    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final ArpPacket out = new ArpPacket();
    private final DataPlaneEvents events;

    ArpAgent(NeighbourTable neighbours, FrameSink sink, DataPlaneEvents events) {
        this.neighbours = neighbours;
        this.sink = sink;
        this.events = events;
    }

    /** An ARP frame received on {@code nic}. */
    void onArp(TableSnapshot snapshot, Nic nic, MutableDirectBuffer buffer, int arpOffset, int length) {
        arp.wrap(buffer, arpOffset, length);
        if (!arp.isEthernetIpv4()) {
            return;
        }
        int sender = arp.senderIp();
        if (sender != 0) {
            neighbours.learn(nic.index(), sender, arp.senderMac());
        }
        int target = arp.targetIp();
        if (arp.operation() == ArpPacket.OP_REQUEST && snapshot.isVirtualAddress(target) && !nic.hasIpv4(target)
            && sender != target) {
            write(nic, ArpPacket.OP_REPLY, arp.senderMac(), target, arp.senderMac(), sender);
            events.count(DataPlaneEvents.ARP_REPLIES_SENT);
        }
    }

    /** Sends a request for {@code address} on {@code nic} unless one went out less than a second ago. */
    void resolve(Nic nic, int address, long nowNs) {
        if (neighbours.shouldRequest(nic.index(), address, nowNs)) {
            write(nic, ArpPacket.OP_REQUEST, EthernetFrame.BROADCAST, nic.primaryIpv4(), 0L, address);
            events.count(DataPlaneEvents.ARP_REQUESTS_SENT);
        }
    }

    private void write(Nic nic, int operation, long ethernetDestination, int senderIp, long targetMac, int targetIp) {
        scratch.setMemory(0, FRAME_LENGTH, (byte) 0);
        ethernet.wrap(scratch, 0, FRAME_LENGTH);
        ethernet.destination(ethernetDestination).source(nic.mac()).etherType(EthernetFrame.TYPE_ARP);
        out.wrap(scratch, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        out.init(operation);
        out.senderMac(nic.mac()).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        sink.send(nic.index(), scratch, 0, FRAME_LENGTH, lvs.io.Offload.NONE);
    }
}
