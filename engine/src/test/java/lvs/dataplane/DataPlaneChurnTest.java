package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Nic;
import lvs.io.FrameHandler;
import lvs.io.PacketIo;
import lvs.io.PacketIoCounters;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.TunnelType;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.TableSnapshot;
import lvs.table.VirtualServerTable;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * Creating and deleting far more services and real servers than there are counter slots keeps the
 * data plane installing snapshots (it used to die with an index of -1 once 65,535 ids had been seen).
 */
class DataPlaneChurnTest {
    /** A PacketIo with no traffic. */
    static final class SilentIo implements PacketIo {
        private final PacketIoCounters counters = new PacketIoCounters();

        @Override
        public int poll(FrameHandler handler, int limit) {
            return 0;
        }

        @Override
        public boolean send(int ifIndex, DirectBuffer buffer, int offset, int length, long offload) {
            return true;
        }

        @Override
        public int flush() {
            return 0;
        }

        @Override
        public void awaitFrames(long timeoutNs) {
            java.util.concurrent.locks.LockSupport.parkNanos(timeoutNs);
        }

        @Override
        public int[] interfaces() {
            return new int[] {1};
        }

        @Override
        public PacketIoCounters counters() {
            return counters;
        }

        @Override
        public void close() {
        }
    }

    static final ServiceScheduler.Factory NO_SCHEDULER = name -> null;
    static final Nic NIC = new Nic("eth0", 1, 0x0200_0000_0101L, 1500, new int[] {0xC612_0001});

    static ServiceKey service(int i) {
        return ServiceKey.of(Protocol.TCP, InetAddress.ofIpv4(0xC612_0000 | (i & 0xffff)), 80);
    }

    static RealServerSpec server(int i) {
        return new RealServerSpec(InetAddress.ofIpv4(0xC613_0000 | (i & 0xffff)), 80, ForwardingMethod.MASQUERADE,
            1, 0, 0, TunnelType.IPIP, 0, 0);
    }

    static VirtualServerTable newTable(DataPlane dp) {
        return new VirtualServerTable(dp.stats(), name -> OptionalInt.of(1500));
    }

    @Test
    void churnFarBeyondCapacityKeepsInstalling() throws Exception {
        DataPlane dp = new DataPlane(64, 1024);
        VirtualServerTable table = newTable(dp);
        TableRules rules = new TableRules(table);
        DataPlane.Invoker invoker = dp.invoker(rules, new SilentIo(), new Forwarder[5], NO_SCHEDULER, List.of(NIC),
            Ipv4Routes.of(List.of(), List.of()), 0);
        long now = 0;
        int services = 4;
        for (int round = 0; round < 2_000; round++) { // 2,000 x 4 x 4 = 32,000 objects through 63 slots
            for (int s = 0; s < services; s++) {
                table.addService(new ServiceSpec(service(s), "rr", "", 0, 0, 0xffffffffL));
                for (int r = 0; r < 3; r++) {
                    table.addRealServer(service(s), server(s * 16 + r));
                }
            }
            TableSnapshot snap = invoker.publish();
            invoker.doWork(now += 1_000_000L);
            assertThat(snap.serviceCount).isEqualTo(services);
            assertThat(snap.destinationTotal).isEqualTo(services * 3);
            for (int d = 0; d < snap.destinationTotal; d++) {
                assertThat(snap.destinationCounterSlot[d]).isBetween(1, 63);
            }
            assertThat(dp.awaitApplied(table.generation(), 0)).isTrue();
            table.flush(); // -C
            invoker.publish();
            invoker.doWork(now += 1_000_000L);
        }
    }
}
