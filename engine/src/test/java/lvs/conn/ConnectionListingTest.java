package lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.table.ConnectionView;
import org.junit.jupiter.api.Test;

class ConnectionListingTest {
    private static final int V4 = ConnectionTable.AF_INET;

    @Test
    void expirySecondsTruncateLikeTheKernelsIntegerDivision() {
        assertThat(ConnectionListing.expiresSeconds(10_999, 1_000)).isEqualTo(9);
        assertThat(ConnectionListing.expiresSeconds(11_000, 1_000)).isEqualTo(10);
        assertThat(ConnectionListing.expiresSeconds(1_000, 1_500)).isZero();
    }

    @Test
    void listsConnectionsAndTemplatesWithKernelNames() {
        ConnectionTable table = new ConnectionTable(8, 1);
        ConnectionTracker tracker = new ConnectionTracker(table, new DestinationCounters(2), new ProtocolTimeouts(), 1,
            16, 0);
        int e = tracker.open(V4, 6, 0, 0xC0A80001L, 40000, 0, 0x0A000001L, 80, V4, 0, 0x0A000102L, 8080,
            ConnectionFlags.MASQ, 0, 0, -1, 0);
        tracker.onPacket(e, Direction.INPUT, TcpFlags.SYN, 0);
        tracker.openTemplate(V4, 0, 0, 0xC0A80000L, 0, 1, 0, V4, 0, 0x0A000102L, 0, ConnectionFlags.DROUTE, 0, 1,
            360_000, 0);
        int udp = tracker.open(V4, 17, 0, 0xC0A80002L, 53, 0, 0x0A000001L, 53, V4, 0, 0x0A000102L, 53,
            ConnectionFlags.MASQ, 0, 0, -1, 0);
        tracker.onPacket(udp, Direction.INPUT, 0, 0);

        List<ConnectionView> views = ConnectionListing.list(table, 500);

        assertThat(views).hasSize(3);
        ConnectionView tcp = views.get(0);
        assertThat(tcp.protocolName()).isEqualTo("TCP");
        assertThat(tcp.stateName()).isEqualTo("SYN_RECV");
        assertThat(tcp.expiresSeconds()).isEqualTo(59); // 60 s from 0, read at 0.5 s
        assertThat(tcp.clientAddress().toString()).isEqualTo("192.168.0.1");
        assertThat(tcp.clientPort()).isEqualTo(40000);
        assertThat(tcp.virtualAddress().toString()).isEqualTo("10.0.0.1");
        assertThat(tcp.destinationAddress().toString()).isEqualTo("10.0.1.2");
        assertThat(tcp.destinationPort()).isEqualTo(8080);
        ConnectionView template = views.get(1);
        assertThat(template.protocolName()).isEqualTo("IP");
        assertThat(template.stateName()).isEqualTo("NONE");
        assertThat(template.virtualAddress().toString()).isEqualTo("0.0.0.1"); // fwmark 1
        assertThat(template.clientPort()).isZero();
        assertThat(template.expiresSeconds()).isEqualTo(359);
        assertThat(views.get(2).stateName()).isEqualTo("UDP");
        assertThat(views.get(2).expiresSeconds()).isEqualTo(299);
    }

    @Test
    void ipv6AddressesComeBackFromTheirTwoWords() {
        assertThat(ConnectionListing.address(ConnectionTable.AF_INET6, 0x20010db800000000L, 1L).toString())
            .isEqualTo("2001:db8::1");
    }
}
