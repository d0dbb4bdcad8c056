package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int V4 = ConnectionTable.AF_INET;
    private static final int V6 = ConnectionTable.AF_INET6;
    private static final long CLIENT = ip(198, 18, 0, 10);
    private static final long VIP = ip(198, 18, 1, 1);
    private static final long RIP = ip(198, 18, 2, 2);

    static long ip(int a, int b, int c, int d) {
        return (long) a << 24 | b << 16 | c << 8 | d;
    }

    private static int insertNat(ConnectionTable t, long client, int cport) {
        return t.insert(V4, TCP, 0, client, cport, 0, VIP, 80, V4, 0, RIP, 8080, ConnectionFlags.MASQ, 3, 7);
    }

    @Test
    void inboundFindsByClientTupleAndOutboundByRealServerTuple() {
        ConnectionTable t = new ConnectionTable(16, 1);
        int e = insertNat(t, CLIENT, 40000);

        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 40000, 0, VIP, 80)).isEqualTo(e);
        // NAT reply: RIP:8080 -> CLIENT:40000
        assertThat(t.findOutbound(V4, TCP, 0, RIP, 8080, 0, CLIENT, 40000)).isEqualTo(e);
        // a reply that claims to come from the VIP does not match a NAT entry
        assertThat(t.findOutbound(V4, TCP, 0, VIP, 80, 0, CLIENT, 40000)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findInbound(V4, UDP, 0, CLIENT, 40000, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 40001, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findInbound(V6, TCP, 0, CLIENT, 40000, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);

        assertThat(t.serviceId(e)).isEqualTo(3);
        assertThat(t.destinationId(e)).isEqualTo(7);
        assertThat(t.destinationPort(e)).isEqualTo(8080);
        assertThat(t.clientPort(e)).isEqualTo(40000);
        assertThat(t.virtualPort(e)).isEqualTo(80);
        assertThat(t.protocol(e)).isEqualTo(TCP);
        assertThat(t.forwardingMethod(e)).isEqualTo(ConnectionFlags.MASQ);
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void localNodeRepliesComeFromTheVipAndDirectRoutingIsNotIndexedOutbound() {
        ConnectionTable t = new ConnectionTable(16, 2);
        int local = t.insert(V4, TCP, 0, CLIENT, 1, 0, VIP, 80, V4, 0, VIP, 80, ConnectionFlags.LOCALNODE, 0, 0);
        int dr = t.insert(V4, TCP, 0, CLIENT, 2, 0, VIP, 80, V4, 0, RIP, 80, ConnectionFlags.DROUTE, 0, 0);

        assertThat(t.findOutbound(V4, TCP, 0, VIP, 80, 0, CLIENT, 1)).isEqualTo(local);
        assertThat(t.findOutbound(V4, TCP, 0, RIP, 80, 0, CLIENT, 2)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findOutbound(V4, TCP, 0, VIP, 80, 0, CLIENT, 2)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 2, 0, VIP, 80)).isEqualTo(dr);
    }

    @Test
    void ipv6AddressesUseBothWords() {
        ConnectionTable t = new ConnectionTable(16, 3);
        long prefix = 0x20010db800000000L;
        int e = t.insert(V6, TCP, prefix, 0x10, 5555, prefix, 0x1, 443, V6, prefix, 0x99, 443,
            ConnectionFlags.MASQ, 0, 0);

        assertThat(t.findInbound(V6, TCP, prefix, 0x10, 5555, prefix, 0x1, 443)).isEqualTo(e);
        assertThat(t.findInbound(V6, TCP, prefix + 1, 0x10, 5555, prefix, 0x1, 443)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findInbound(V4, TCP, prefix, 0x10, 5555, prefix, 0x1, 443)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findOutbound(V6, TCP, prefix, 0x99, 443, prefix, 0x10, 5555)).isEqualTo(e);
        assertThat(t.af(e)).isEqualTo(V6);
        assertThat(t.destinationAf(e)).isEqualTo(V6);
    }

    @Test
    void templatesAndConnectionsNeverFindEachOther() {
        ConnectionTable t = new ConnectionTable(16, 4);
        int template = t.insert(V4, TCP, 0, CLIENT, 0, 0, VIP, 80, V4, 0, RIP, 80,
            ConnectionFlags.TEMPLATE | ConnectionFlags.DROUTE, 0, 0);

        assertThat(t.findTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80)).isEqualTo(template);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 0, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);

        int conn = t.insert(V4, TCP, 0, CLIENT, 0, 0, VIP, 80, V4, 0, RIP, 80, ConnectionFlags.DROUTE, 0, 0);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 0, 0, VIP, 80)).isEqualTo(conn);
        assertThat(t.findTemplate(V4, TCP, 0, CLIENT, 0, VIP, 80)).isEqualTo(template);
    }

    @Test
    void invalidatedTemplateCanNoLongerBeFoundButStaysAllocated() {
        ConnectionTable t = new ConnectionTable(16, 5);
        int template = t.insert(V4, 0, 0, CLIENT, 0, 0, 1, 0, V4, 0, RIP, 0, ConnectionFlags.TEMPLATE, 0, 0);
        t.invalidateTemplate(template);

        assertThat(t.findTemplate(V4, 0, 0, CLIENT, 0, 1, 0)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.isInUse(template)).isTrue();
        assertThat(t.virtualPort(template)).isEqualTo(0xFFFF);
        assertThat(t.destinationPort(template)).isEqualTo(0xFFFF);
        t.remove(template);
        assertThat(t.size()).isZero();
    }

    @Test
    void onePacketEntriesAreNotIndexed() {
        ConnectionTable t = new ConnectionTable(4, 6);
        int e = t.insert(V4, UDP, 0, CLIENT, 53, 0, VIP, 53, V4, 0, RIP, 53,
            ConnectionFlags.MASQ | ConnectionFlags.ONE_PACKET, 0, 0);
        assertThat(e).isNotNegative();
        assertThat(t.findInbound(V4, UDP, 0, CLIENT, 53, 0, VIP, 53)).isEqualTo(ConnectionTable.NOT_FOUND);
        t.remove(e);
        assertThat(t.size()).isZero();
    }

    @Test
    void fullTableRefusesAndCountsThenReusesFreedSlots() {
        ConnectionTable t = new ConnectionTable(3, 7);
        int a = insertNat(t, CLIENT, 1);
        insertNat(t, CLIENT, 2);
        insertNat(t, CLIENT, 3);

        assertThat(insertNat(t, CLIENT, 4)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(insertNat(t, CLIENT, 5)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.failedInserts()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(3);

        t.remove(a);
        int d = insertNat(t, CLIENT, 4);
        assertThat(d).isEqualTo(a);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 4, 0, VIP, 80)).isEqualTo(d);
        assertThat(t.findInbound(V4, TCP, 0, CLIENT, 1, 0, VIP, 80)).isEqualTo(ConnectionTable.NOT_FOUND);
    }

    @Test
    void removingAFreeSlotIsAnError() {
        ConnectionTable t = new ConnectionTable(3, 8);
        int a = insertNat(t, CLIENT, 1);
        t.remove(a);
        assertThatThrownBy(() -> t.remove(a)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.remove(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void entriesAreAllocatedAsConnectionsNeedThemUpToTheCapacity() {
        int capacity = 3 * ConnectionTable.INITIAL_ENTRIES + 5;
        ConnectionTable t = new ConnectionTable(capacity, 10);
        assertThat(t.allocatedEntries()).isEqualTo(ConnectionTable.INITIAL_ENTRIES);
        long idleFootprint = t.footprintBytes();

        List<Integer> entries = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            int e = insertNat(t, CLIENT + i / 60_000, 1 + i % 60_000);
            assertThat(e).isEqualTo(i);
            entries.add(e);
            if (i == ConnectionTable.INITIAL_ENTRIES) {
                assertThat(t.allocatedEntries()).isEqualTo(2 * ConnectionTable.INITIAL_ENTRIES);
            }
        }
        assertThat(t.allocatedEntries()).isEqualTo(capacity);
        assertThat(insertNat(t, CLIENT + 9, 1)).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.failedInserts()).isEqualTo(1);
        assertThat(t.footprintBytes() - idleFootprint)
            .isEqualTo((long) (capacity - ConnectionTable.INITIAL_ENTRIES) * ConnectionTable.ENTRY_BYTES);
        // entries written before each growth are still there, by both indexes
        for (int i = 0; i < capacity; i += 97) {
            long client = CLIENT + i / 60_000;
            int cport = 1 + i % 60_000;
            assertThat(t.findInbound(V4, TCP, 0, client, cport, 0, VIP, 80)).isEqualTo(entries.get(i));
            assertThat(t.findOutbound(V4, TCP, 0, RIP, 8080, 0, client, cport)).isEqualTo(entries.get(i));
            assertThat(t.clientPort(entries.get(i))).isEqualTo(cport);
        }
    }

    @Test
    void entryStaysUnderTheByteBudget() {
        ConnectionTable t = new ConnectionTable(1 << 20, 9);
        assertThat(ConnectionTable.ENTRY_BYTES).isEqualTo(104);
        assertThat(t.footprintBytes() / t.capacity()).isLessThanOrEqualTo(150);
    }

    /**
     * Random inserts and deletes against a HashMap model, in a small table with few distinct keys so
     * that clusters form, wrap around the index and are cut by backward-shift deletion all the time.
     * Every key of the model is looked up both ways after every operation batch.
     */
    @Test
    void randomizedChurnAgreesWithAHashMap() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            long seed = random.nextLong();
            ConnectionTable t = new ConnectionTable(64, seed);
            Map<Long, Integer> model = new HashMap<>();
            List<Long> keys = new ArrayList<>();
            for (int op = 0; op < 4000; op++) {
                long key = random.nextInt(96); // more keys than capacity: the table also fills up
                int client = (int) key;
                int cport = 1000 + (int) (key % 7);
                boolean present = model.containsKey(key);
                if (!present && random.nextInt(3) != 0) {
                    int e = t.insert(V4, TCP, 0, client, cport, 0, VIP, 80, V4, 0, RIP, 9000 + client,
                        ConnectionFlags.MASQ, 0, 0);
                    if (model.size() == 64) {
                        assertThat(e).isEqualTo(ConnectionTable.NOT_FOUND);
                    } else {
                        assertThat(e).isNotNegative();
                        model.put(key, e);
                        keys.add(key);
                    }
                } else if (present) {
                    t.remove(model.remove(key));
                    keys.remove(key);
                }
                if (op % 50 == 0) {
                    checkAgainstModel(t, model);
                }
            }
            checkAgainstModel(t, model);
            assertThat(t.size()).isEqualTo(model.size());
        }
    }

    private static void checkAgainstModel(ConnectionTable t, Map<Long, Integer> model) {
        for (long key = 0; key < 96; key++) {
            int client = (int) key;
            int cport = 1000 + (int) (key % 7);
            int expected = model.getOrDefault(key, ConnectionTable.NOT_FOUND);
            assertThat(t.findInbound(V4, TCP, 0, client, cport, 0, VIP, 80)).as("in %d", key).isEqualTo(expected);
            assertThat(t.findOutbound(V4, TCP, 0, RIP, 9000 + client, 0, client, cport)).as("out %d", key)
                .isEqualTo(expected);
        }
    }
}
