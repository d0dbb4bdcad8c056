package lvs.io.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/** Reads and writes Ethernet pcap files (libpcap format) so that golden frames open in Wireshark. */
public final class PcapFiles {
    private PcapFiles() {
    }

    /** Writes {@code frames} with timestamps 1 µs apart from the epoch, so files are reproducible. */
    public static void write(Path file, List<byte[]> frames) throws IOException {
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65536 + 256)) {
            PcapDumper dumper = dead.dumpOpen(file.toString());
            try {
                for (int i = 0; i < frames.size(); i++) {
                    Timestamp ts = new Timestamp(0);
                    ts.setNanos(i * 1000);
                    dumper.dumpRaw(frames.get(i), ts);
                }
                dumper.flush();
            } finally {
                dumper.close();
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every frame of an Ethernet pcap file, in order. */
    public static List<byte[]> read(Path file) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (PcapHandle handle = Pcaps.openOffline(file.toString())) {
            while (true) {
                try {
                    frames.add(handle.getNextRawPacketEx());
                } catch (EOFException end) {
                    return frames;
                } catch (TimeoutException e) {
                    continue; // offline handles do not time out; keep reading
                }
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("reading " + file + ": " + e.getMessage(), e);
        }
    }
}
