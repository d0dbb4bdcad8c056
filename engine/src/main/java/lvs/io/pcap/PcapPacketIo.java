package lvs.io.pcap;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

import lvs.io.FrameHandler;
import lvs.io.InterfaceSet;
import lvs.io.Offload;
import lvs.io.PacketIo;
import lvs.io.PacketIoCounters;
import lvs.io.SoftwareOffload;
import lvs.io.afpacket.NetworkInterfaces;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.NotOpenException;

/**
 * {@link PacketIo} over libpcap handles, one per interface, in non-blocking mode: pcap4j's blocking
 * {@code getNextRawPacket} never returns on an idle TPACKET_V3 interface (feasibility pitfall 7).
 * Direction IN keeps our own transmissions out. Offload metadata cannot be handed to libpcap, so a
 * frame sent with a partial checksum or as a GSO super-frame is finished here in software
 * ({@link SoftwareOffload}); received frames never carry metadata, so use this backend for receiving
 * with the senders' offloads off.
 *
 * <p>Not allocation-free: pcap4j returns a new {@code byte[]} per received frame.
 */
public final class PcapPacketIo implements PacketIo {
    private static final int MAX_FRAME = 65536 + 256;

    /** One per interface, in {@link #interfaces}' order. */
    private final PcapHandle[] handles;
    private final InterfaceSet interfaces;
    private final UnsafeBuffer rxBuffer = new UnsafeBuffer(new byte[MAX_FRAME]);
    private final byte[][] txSlots;
    private final int[] txLength;
    private final int[] txHandle;
    private final PacketIoCounters counters = new PacketIoCounters();
    private final UnsafeBuffer offloadScratch = new UnsafeBuffer(new byte[MAX_FRAME]);
    private final UnsafeBuffer segmentScratch = new UnsafeBuffer(new byte[MAX_FRAME]);
    private final SoftwareOffload.SegmentSink queueSegment = this::queue;
    private int offloadHandle;
    private int txQueued;
    private boolean closed;

    private PcapPacketIo(PcapHandle[] handles, int[] interfaces, int batchSize) {
        this.handles = handles;
        this.interfaces = new InterfaceSet(interfaces);
        txSlots = new byte[batchSize][MAX_FRAME];
        txLength = new int[batchSize];
        txHandle = new int[batchSize];
    }

    /** Opens the named interfaces of the calling thread's network namespace. */
    public static PcapPacketIo open(int batchSize, String... interfaceNames) throws IOException {
        PcapHandle[] handles = new PcapHandle[interfaceNames.length];
        int[] indexes = new int[interfaceNames.length];
        boolean ok = false;
        try {
            for (int i = 0; i < interfaceNames.length; i++) {
                indexes[i] = NetworkInterfaces.lookup(interfaceNames[i]).index();
                handles[i] = new PcapHandle.Builder(interfaceNames[i]).snaplen(MAX_FRAME)
                    .promiscuousMode(PromiscuousMode.NONPROMISCUOUS).timeoutMillis(1).immediateMode(true)
                    .bufferSize(8 << 20).direction(PcapHandle.PcapDirection.IN).build();
                handles[i].setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            }
            ok = true;
            return new PcapPacketIo(handles, indexes, batchSize);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("pcap open: " + e.getMessage(), e);
        } finally {
            if (!ok) {
                for (PcapHandle h : handles) {
                    if (h != null) {
                        h.close();
                    }
                }
            }
        }
    }

    @Override
    public int poll(FrameHandler handler, int limit) {
        int delivered = 0;
        for (int visited = 0; visited < handles.length && delivered < limit; visited++) {
            int h = interfaces.nextToPoll();
            while (delivered < limit) {
                byte[] frame = next(handles[h]);
                if (frame == null) {
                    break;
                }
                if (frame.length > MAX_FRAME) {
                    counters.rxDropped++;
                    continue;
                }
                rxBuffer.putBytes(0, frame);
                counters.rxFrames++;
                counters.rxBytes += frame.length;
                delivered++;
                handler.onFrame(interfaces.indexAt(h), rxBuffer, 0, frame.length, Offload.NONE);
            }
        }
        return delivered;
    }

    private byte[] next(PcapHandle handle) {
        try {
            return handle.getNextRawPacket();
        } catch (NotOpenException e) {
            counters.ioErrors++;
            return null;
        }
    }

    @Override
    public boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload) {
        int h = interfaces.positionOf(ifIndex);
        if (h < 0 || txQueued == txSlots.length || length > MAX_FRAME || length < 14) {
            counters.txDropped++;
            return false;
        }
        if (offload != Offload.NONE) {
            return sendInSoftware(h, buffer, offset, length, offload);
        }
        offloadHandle = h;
        return queue(buffer, offset, length);
    }

    private boolean queue(DirectBuffer buffer, int offset, int length) {
        if (txQueued == txSlots.length) {
            counters.txDropped++;
            return false;
        }
        buffer.getBytes(offset, txSlots[txQueued], 0, length);
        txLength[txQueued] = length;
        txHandle[txQueued] = offloadHandle;
        txQueued++;
        return true;
    }

    /** Finishes the checksum or cuts the GSO frame here, since libpcap cannot pass the metadata on. */
    private boolean sendInSoftware(int h, DirectBuffer buffer, int offset, int length, long offload) {
        offloadScratch.putBytes(0, buffer, offset, length);
        int l3 = (offloadScratch.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 0x8100 ? 18 : 14;
        boolean ipv6 = (offloadScratch.getShort(l3 - 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 0x86DD;
        offloadHandle = h;
        int n = SoftwareOffload.segment(offloadScratch, 0, length, offload, l3, Offload.csumStart(offload), ipv6,
            segmentScratch, queueSegment);
        if (n <= 0) {
            counters.txDropped++;
            return false;
        }
        return true;
    }

    @Override
    public int flush() {
        int accepted = 0;
        for (int i = 0; i < txQueued; i++) {
            try {
                handles[txHandle[i]].sendPacket(txSlots[i], txLength[i]);
                accepted++;
                counters.txBytes += txLength[i];
            } catch (PcapNativeException | NotOpenException e) {
                counters.txDropped++;
                counters.ioErrors++;
            }
        }
        counters.txFrames += accepted;
        txQueued = 0;
        return accepted;
    }

    @Override
    public void awaitFrames(long timeoutNs) {
        // pcap4j exposes no selectable descriptor; a short park bounds the latency added
        LockSupport.parkNanos(Math.min(timeoutNs, 1_000_000L));
    }

    @Override
    public int[] interfaces() {
        return interfaces.indexes();
    }

    @Override
    public PacketIoCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (PcapHandle h : handles) {
                h.close();
            }
        }
    }
}
