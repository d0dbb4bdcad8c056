package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Templates keyed by persistence-engine data (SIP Call-IDs): found only with the same bytes, never by
 * a plain template lookup (nor the reverse), slots given back when templates go, and a full slot pool
 * refused like a full table.
 */
class PeTemplateTableTest {
    private static final int UDP = 17;
    private static final int V4 = ConnectionTable.AF_INET;
    private static final long CLIENT = ConnectionTableTest.ip(198, 18, 0, 10);
    private static final long VIP = ConnectionTableTest.ip(198, 18, 0, 11);
    private static final long RIP = ConnectionTableTest.ip(198, 18, 1, 12);
    /** Call-IDs sit at offset 7 of the buffer, as they would inside a frame. */
    private static final int AT = 7;

    private static UnsafeBuffer callId(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[AT + b.length]);
        buffer.putBytes(AT, b);
        return buffer;
    }

    private static int insert(ConnectionTable t, String id) {
        UnsafeBuffer b = callId(id);
        return t.insertPeTemplate(V4, UDP, 0, CLIENT, 0, VIP, 5060, V4, 0, RIP, 5060, ConnectionFlags.MASQ, 1, 2,
            TemplatePeData.SIP, b, AT, id.length(), TemplatePeData.hash(b, AT, id.length()));
    }

    private static int find(ConnectionTable t, String id) {
        UnsafeBuffer b = callId(id);
        return t.findPeTemplate(V4, UDP, 0, CLIENT, 0, VIP, 5060, TemplatePeData.SIP, b, AT, id.length(),
            TemplatePeData.hash(b, AT, id.length()));
    }

    @Test
    void foundOnlyWithTheSameCallIdAndNeverByAPlainLookup() {
        ConnectionTable t = new ConnectionTable(64, 5);
        assertThat(find(t, "abc@host")).isEqualTo(ConnectionTable.NOT_FOUND); // nothing enabled yet
        t.enablePeData(8);
        int a = insert(t, "abc@host");
        int b = insert(t, "xyz@host");
        assertThat(a).isNotEqualTo(b);
        assertThat(find(t, "abc@host")).isEqualTo(a);
        assertThat(find(t, "xyz@host")).isEqualTo(b);
        assertThat(find(t, "abc@hosT")).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(find(t, "abc@hos")).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.findTemplate(V4, UDP, 0, CLIENT, 0, VIP, 5060)).isEqualTo(ConnectionTable.NOT_FOUND);
        int plain = t.insert(V4, UDP, 0, CLIENT, 0, 0, VIP, 5060, V4, 0, RIP, 5060,
            ConnectionFlags.MASQ | ConnectionFlags.TEMPLATE, 1, 2);
        assertThat(t.findTemplate(V4, UDP, 0, CLIENT, 0, VIP, 5060)).isEqualTo(plain);
        assertThat(find(t, "abc@host")).isEqualTo(a);

        TemplatePeData pe = t.peData();
        assertThat(pe.has(a)).isTrue();
        assertThat(pe.has(plain)).isFalse();
        assertThat(pe.engine(a)).isEqualTo(TemplatePeData.SIP);
        assertThat(pe.text(b)).isEqualTo("xyz@host");
        assertThat(t.isTemplate(a)).isTrue();
        assertThat(t.clientPort(a)).isZero();
    }

    @Test
    void removingATemplateGivesItsSlotBackAndAFullPoolIsAFullTable() {
        ConnectionTable t = new ConnectionTable(64, 6);
        t.enablePeData(2);
        int a = insert(t, "one");
        insert(t, "two");
        assertThat(insert(t, "three")).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.failedInserts()).isEqualTo(1);
        assertThat(t.size()).isEqualTo(2);
        t.remove(a);
        assertThat(find(t, "one")).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.peData().used()).isEqualTo(1);
        int c = insert(t, "three");
        assertThat(find(t, "three")).isEqualTo(c);
        assertThat(t.peData().text(c)).isEqualTo("three");
    }

    @Test
    void anInvalidatedTemplateIsNoLongerFoundButKeepsItsData() {
        ConnectionTable t = new ConnectionTable(64, 7);
        t.enablePeData(4);
        int a = insert(t, "abc");
        t.invalidateTemplate(a);
        assertThat(find(t, "abc")).isEqualTo(ConnectionTable.NOT_FOUND);
        assertThat(t.peData().text(a)).isEqualTo("abc");
        t.remove(a); // still indexed under its new key: removal must find it
        assertThat(t.size()).isZero();
        assertThat(t.peData().used()).isZero();
    }

    @Test
    void manyCallIdsOfOneClientAllStayFindable() {
        ConnectionTable t = new ConnectionTable(4096, 8);
        t.enablePeData(4096);
        int[] e = new int[3000];
        for (int i = 0; i < e.length; i++) {
            e[i] = insert(t, "call-" + i + "@198.18.0.10");
        }
        for (int i = 0; i < e.length; i++) {
            assertThat(find(t, "call-" + i + "@198.18.0.10")).isEqualTo(e[i]);
        }
        for (int i = 0; i < e.length; i += 2) {
            t.remove(e[i]);
        }
        for (int i = 1; i < e.length; i += 2) {
            assertThat(find(t, "call-" + i + "@198.18.0.10")).isEqualTo(e[i]);
        }
    }
}
