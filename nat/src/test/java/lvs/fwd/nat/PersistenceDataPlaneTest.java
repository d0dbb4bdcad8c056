package lvs.fwd.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import lvs.dataplane.DataPlane;
import lvs.dataplane.DataPlaneEvents;
import lvs.dataplane.Forwarder;
import lvs.dataplane.net.Ipv4Routes;
import lvs.dataplane.net.Nic;
import lvs.fixtures.io.InMemoryPacketIo;
import lvs.fixtures.packet.Addresses;
import lvs.fixtures.packet.PacketBuilder;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;
import lvs.packet.TcpHeader;
import lvs.sched.SchedulerRegistry;
import lvs.sched.SchedulerSettings;
import lvs.snapshot.SpiScheduler;
import lvs.table.ConnectionView;
import lvs.table.RealServerEntry;
import lvs.table.ServiceEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Persistence ({@code -p}, {@code -M}), port-0 services and one-packet scheduling through the real
 * pipeline over an in-memory I/O, with a manual clock. The seed-000 director (d0 outside with the VIP,
 * d1 inside); web2 was added after web1, so rr picks web2 first, then web1: without persistence a
 * client's second connection would go to the other real server.
 */
class PersistenceDataPlaneTest {
    private static final int D0 = 2;
    private static final int D1 = 3;
    private static final String D0_MAC = "02:00:00:00:00:0b";
    private static final String D1_MAC = "02:00:00:00:01:0b";
    private static final String CLIENT_MAC = "02:00:00:00:00:0a";
    private static final String CLIENT = "198.18.0.10";
    private static final String NEIGHBOUR = "198.18.0.20";
    private static final String OTHER_NET = "198.18.2.10";
    private static final String VIP = "198.18.0.11";
    private static final String WEB1 = "198.18.1.12";
    private static final String WEB2 = "198.18.1.13";
    private static final long SERVICE_ID = 1;
    private static final long WEB1_ID = 2;
    private static final long WEB2_ID = 3;

    private final InMemoryPacketIo io = new InMemoryPacketIo(new int[] {D0, D1});
    /** Packets "the kernel marked" for -f services: a mark and a frame, handed over on the next poll. */
    private final java.util.ArrayDeque<Object[]> marked = new java.util.ArrayDeque<>();
    private DataPlane dataPlane;
    private DataPlane.Invoker invoker;
    private long nowNs = 1_000_000_000L;
    private List<ServiceEntry> entries;

    private static RealServerSpec masq(String rip, int port, int weight) {
        return new RealServerSpec(InetAddress.ofIpv4(Addresses.ipv4(rip)), port, ForwardingMethod.MASQUERADE, weight,
            0, 0, TunnelType.IPIP, 0, 0);
    }

    /** {@code -A -t|-u VIP:port -s rr [-p seconds] [-M mask] [-o]}, then {@code -a} web1, {@code -a} web2. */
    private static List<ServiceEntry> rules(Protocol protocol, int port, int flags, int seconds, long netmask,
                                            int rsPort, int web1Weight) {
        ServiceSpec svc = new ServiceSpec(ServiceKey.of(protocol, InetAddress.ofIpv4(Addresses.ipv4(VIP)), port),
            "rr", "", flags, seconds, netmask);
        return List.of(new ServiceEntry(SERVICE_ID, svc, List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, rsPort, 1)), new RealServerEntry(WEB1_ID, masq(WEB1, rsPort,
                web1Weight)))));
    }

    private static List<ServiceEntry> persistentTcp(int seconds, long netmask) {
        return rules(Protocol.TCP, 80, ServiceFlags.PERSISTENT, seconds, netmask, 80, 1);
    }

    @BeforeEach
    void setUp() {
        entries = persistentTcp(20, 0xffffffffL);
        List<Nic> nics = List.of(
            new Nic("d0", D0, Addresses.mac(D0_MAC), 1500, new int[] {Addresses.ipv4("198.18.0.11")}),
            new Nic("d1", D1, Addresses.mac(D1_MAC), 1500, new int[] {Addresses.ipv4("198.18.1.11")}));
        Ipv4Routes routes = Ipv4Routes.of(List.of(
            new Ipv4Routes.Route(Addresses.ipv4("198.18.0.0"), 0xffffff00, 0, 0, "d0"),
            new Ipv4Routes.Route(Addresses.ipv4("198.18.1.0"), 0xffffff00, 0, 0, "d1")), nics);
        DataPlane.Rules rules = new DataPlane.Rules() {
            @Override
            public List<ServiceEntry> entries() {
                return entries;
            }

            @Override
            public Timeouts timeouts() {
                return Timeouts.KERNEL_DEFAULTS;
            }

            @Override
            public long generation() {
                return 1;
            }
        };
        Forwarder[] forwarders = new Forwarder[5];
        forwarders[0] = new MasqueradeForwarder();
        dataPlane = new DataPlane(1024, 4096);
        dataPlane.receiveMarkedPackets(new lvs.io.MarkedPacketSource() {
            @Override
            public int poll(lvs.io.MarkedFrameHandler handler, int limit) {
                int n = 0;
                for (Object[] m; n < limit && (m = marked.poll()) != null; n++) {
                    UnsafeBuffer frame = (UnsafeBuffer) m[1];
                    handler.onMarkedFrame(D0, (Integer) m[0], frame, 0, frame.capacity());
                }
                return n;
            }

            @Override
            public int fd() {
                return -1;
            }

            @Override
            public void close() {
            }
        });
        invoker = dataPlane.invoker(rules, io, forwarders,
            SpiScheduler.factory(n -> SchedulerRegistry.create(n, SchedulerSettings.defaults())), nics, routes,
            nowNs / 1_000_000L);
        invoker.learnNeighbour(D0, Addresses.ipv4(CLIENT), Addresses.mac(CLIENT_MAC));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB1), Addresses.mac("02:00:00:00:01:0c"));
        invoker.learnNeighbour(D1, Addresses.ipv4(WEB2), Addresses.mac("02:00:00:00:01:0d"));
        invoker.publish();
        step(1);
    }

    private void republish(List<ServiceEntry> next) {
        entries = next;
        invoker.publish();
        step(1);
    }

    /** Advances the clock by {@code ms} in 1 s steps (each a duty cycle, so the sweeper runs as it goes). */
    private void step(long ms) {
        for (long left = ms; left > 0; left -= Math.min(left, 1000)) {
            nowNs += Math.min(left, 1000) * 1_000_000L;
            invoker.doWork(nowNs);
        }
    }

    /** Sends a client frame; returns the real server it went to ("web1", "web2") or "dropped". */
    private String send(UnsafeBuffer frame) {
        io.inject(D0, frame, 0L);
        step(1);
        List<InMemoryPacketIo.Frame> out = io.drainTransmitted();
        if (out.isEmpty()) {
            return "dropped";
        }
        assertThat(out).hasSize(1);
        int dst = out.get(0).buffer().getInt(14 + 16, ByteOrder.BIG_ENDIAN);
        return dst == Addresses.ipv4(WEB1) ? "web1" : dst == Addresses.ipv4(WEB2) ? "web2" : "?";
    }

    /** The destination port of the frame last forwarded to a real server. */
    private int forwardedPort(UnsafeBuffer frame) {
        io.inject(D0, frame, 0L);
        step(1);
        List<InMemoryPacketIo.Frame> out = io.drainTransmitted();
        assertThat(out).hasSize(1);
        return out.get(0).buffer().getShort(14 + 20 + 2, ByteOrder.BIG_ENDIAN) & 0xffff;
    }

    private static UnsafeBuffer syn(String client, int cport, int vport) {
        return PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(client, VIP).tcp(cport, vport)
            .flags(TcpHeader.SYN).build();
    }

    private static UnsafeBuffer datagram(String client, int cport, int vport) {
        return PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(client, VIP).udp(cport, vport).payload("q").build();
    }

    private List<ConnectionView> templates() {
        List<ConnectionView> out = new ArrayList<>();
        for (ConnectionView v : invoker.connections(nowNs)) {
            if (v.clientPort() == 0) {
                out.add(v);
            }
        }
        return out;
    }

    private long persistConns(long realServerId) {
        return dataPlane.stats().connectionCounts(realServerId).persistent();
    }

    @Test
    void sameClientSameRealServerUntilTheTemplateExpires() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        step(5_000);
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2"); // rr alone would say web1
        assertThat(persistConns(WEB2_ID)).isEqualTo(1);
        assertThat(persistConns(WEB1_ID)).isZero();
        // Each new connection restarted the template's timer at the full -p.
        List<ConnectionView> t = templates();
        assertThat(t).hasSize(1);
        assertThat(t.get(0).expiresSeconds()).isEqualTo(20);

        // -p ran out (t = 26 s) but two SYN_RECV connections still depend on it: re-armed for 60 s,
        // and it still pins the client.
        step(21_000);
        assertThat(templates()).hasSize(1);
        assertThat(send(syn(CLIENT, 40002, 80))).isEqualTo("web2");

        // Once every connection is gone and the template with them, the scheduler is asked again.
        step(150_000);
        assertThat(templates()).isEmpty();
        assertThat(invoker.connections(nowNs)).isEmpty();
        assertThat(persistConns(WEB2_ID)).isZero();
        assertThat(send(syn(CLIENT, 40003, 80))).isEqualTo("web1");
        // Templates are not counted as connections: 4 connections for the service.
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(4);
    }

    @Test
    void templateWithNoConnectionsLeftExpiresAfterThePersistenceTimeout() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.PERSISTENT, 20, 0xffffffffL, 53, 1));
        assertThat(send(datagram(CLIENT, 50000, 53))).isEqualTo("web2");
        // UDP connections live 300 s by default; the template is re-armed in 60 s steps meanwhile.
        step(250_000);
        assertThat(send(datagram(CLIENT, 50001, 53))).isEqualTo("web2");
        step(400_000);
        assertThat(invoker.connections(nowNs)).isEmpty();
        assertThat(send(datagram(CLIENT, 50002, 53))).isEqualTo("web1");
    }

    @Test
    void theLongestPersistenceTimeoutIsKeptWhole() {
        // 31 days in ms does not fit a signed int: the table keeps timeouts unsigned, as the kernel does.
        republish(persistentTcp(2_678_400, 0xffffffffL));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(templates().get(0).expiresSeconds()).isEqualTo(2_678_400);
        step(60_000);
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2");
    }

    @Test
    void netmaskGroupsClientsOfOneSlash24() {
        republish(persistentTcp(300, 0xffffff00L));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(OTHER_NET, 40000, 80))).isEqualTo("web1");
        assertThat(send(syn(NEIGHBOUR, 40001, 80))).isEqualTo("web2");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.protocolName() + " " + v.stateName() + " " + v.clientAddress() + ":" + v.clientPort() + " "
                + v.virtualAddress() + ":" + v.virtualPort() + " " + v.destinationAddress() + ":"
                + v.destinationPort());
        }
        assertThat(lines).containsExactlyInAnyOrder(
            "TCP NONE 198.18.0.0:0 198.18.0.11:80 198.18.1.13:80",
            "TCP NONE 198.18.2.0:0 198.18.0.11:80 198.18.1.12:80");
        assertThat(persistConns(WEB2_ID)).isEqualTo(1);
        assertThat(persistConns(WEB1_ID)).isEqualTo(1);
    }

    @Test
    void withoutANetmaskEachClientHasItsOwnTemplate() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 80))).isEqualTo("web1");
        assertThat(templates()).hasSize(2);
    }

    @Test
    void templateIsListedAndBecomesAssuredWhenItsConnectionIsEstablished() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        ConnectionView t = templates().get(0);
        assertThat(t.protocolName()).isEqualTo("TCP");
        assertThat(t.stateName()).isEqualTo("NONE");
        assertThat(t.clientAddress().toString()).isEqualTo(CLIENT);
        assertThat(t.virtualAddress().toString() + ":" + t.virtualPort()).isEqualTo(VIP + ":80");
        assertThat(t.destinationAddress().toString() + ":" + t.destinationPort()).isEqualTo(WEB2 + ":80");
        assertThat(t.expiresSeconds()).isEqualTo(20);

        io.inject(D1, PacketBuilder.frame().eth("02:00:00:00:01:0d", D1_MAC).ipv4(WEB2, CLIENT).tcp(80, 40000)
            .flags(TcpHeader.SYN | TcpHeader.ACK).build(), 0L);
        step(1);
        io.drainTransmitted();
        io.inject(D0, PacketBuilder.frame().eth(CLIENT_MAC, D0_MAC).ipv4(CLIENT, VIP).tcp(40000, 80)
            .flags(TcpHeader.ACK).build(), 0L);
        step(1);
        assertThat(templates().get(0).stateName()).isEqualTo("ASSURED");
    }

    @Test
    void aQuiescedRealServerKeepsItsClientsButADeletedOneDoesNot() {
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        // web2 weight 0: the template still sends the client there (the scheduler is not asked).
        republish(List.of(new ServiceEntry(SERVICE_ID, entries.get(0).spec(), List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, 80, 0)), new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40001, 80))).isEqualTo("web2");
        // web2 deleted: the template is made unmatchable (ports 65535) and a new one made for web1.
        republish(List.of(new ServiceEntry(SERVICE_ID, entries.get(0).spec(), List.of(
            new RealServerEntry(WEB1_ID, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40002, 80))).isEqualTo("web1");
        List<String> ports = new ArrayList<>();
        for (ConnectionView v : templates()) {
            ports.add(v.destinationAddress() + ":" + v.virtualPort() + ":" + v.destinationPort());
        }
        assertThat(ports).containsExactlyInAnyOrder(WEB2 + ":65535:65535", WEB1 + ":80:80");
    }

    @Test
    void portZeroServiceKeepsTheClientsPortAndOneTemplateCoversAllPorts() {
        republish(rules(Protocol.TCP, 0, ServiceFlags.PERSISTENT, 20, 0xffffffffL, 0, 1));
        assertThat(forwardedPort(syn(CLIENT, 40000, 22))).isEqualTo(22);
        assertThat(send(syn(CLIENT, 40001, 443))).isEqualTo("web2");
        assertThat(send(syn(NEIGHBOUR, 40000, 443))).isEqualTo("web1");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.clientAddress() + ":" + v.clientPort() + " " + v.virtualAddress() + ":" + v.virtualPort()
                + " " + v.destinationAddress() + ":" + v.destinationPort());
        }
        assertThat(lines).containsExactlyInAnyOrder(
            CLIENT + ":0 " + VIP + ":0 " + WEB2 + ":0", NEIGHBOUR + ":0 " + VIP + ":0 " + WEB1 + ":0");
        // The connections themselves show the port asked for.
        assertThat(invoker.connections(nowNs)).anyMatch(v -> v.clientPort() == 40001 && v.virtualPort() == 443
            && v.destinationPort() == 443);
    }

    @Test
    void anExactServiceWinsOverThePortZeroOne() {
        ServiceSpec any = new ServiceSpec(ServiceKey.of(Protocol.TCP, InetAddress.ofIpv4(Addresses.ipv4(VIP)), 0),
            "rr", "", ServiceFlags.PERSISTENT, 20, 0xffffffffL);
        ServiceSpec web = new ServiceSpec(ServiceKey.of(Protocol.TCP, InetAddress.ofIpv4(Addresses.ipv4(VIP)), 80),
            "rr", "", 0, 0, 0xffffffffL);
        republish(List.of(new ServiceEntry(SERVICE_ID, any, List.of(new RealServerEntry(WEB2_ID, masq(WEB2, 0, 1)))),
            new ServiceEntry(10, web, List.of(new RealServerEntry(11, masq(WEB1, 80, 1))))));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web1");
        assertThat(send(syn(CLIENT, 40001, 8080))).isEqualTo("web2");
    }

    @Test
    void portZeroWithoutPersistenceSchedulesNothing() {
        republish(rules(Protocol.TCP, 0, 0, 0, 0xffffffffL, 0, 1));
        assertThat(send(syn(CLIENT, 40000, 22))).isEqualTo("dropped");
        assertThat(dataPlane.events().get(DataPlaneEvents.DROPPED_NO_DESTINATION)).isEqualTo(1);
    }

    /** Sends a frame as the kernel's marked copy (NFQUEUE); returns the real server it went to. */
    private String sendMarked(int mark, UnsafeBuffer frame) {
        marked.add(new Object[] {mark, frame});
        step(1);
        List<InMemoryPacketIo.Frame> out = io.drainTransmitted();
        if (out.isEmpty()) {
            return "dropped";
        }
        int dst = out.get(0).buffer().getInt(14 + 16, ByteOrder.BIG_ENDIAN);
        return dst == Addresses.ipv4(WEB1) ? "web1" : dst == Addresses.ipv4(WEB2) ? "web2" : "?";
    }

    @Test
    void aFwmarkServiceSharesOneTemplateAcrossProtocolsAndPorts() {
        ServiceSpec svc = new ServiceSpec(ServiceKey.ofFwmark(lvs.model.AddressFamily.INET, 1), "rr", "",
            ServiceFlags.PERSISTENT, 20, 0xffffffffL);
        republish(List.of(new ServiceEntry(SERVICE_ID, svc, List.of(
            new RealServerEntry(WEB2_ID, masq(WEB2, 0, 1)), new RealServerEntry(WEB1_ID, masq(WEB1, 0, 1))))));
        assertThat(sendMarked(1, syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(sendMarked(1, syn(CLIENT, 40001, 443))).isEqualTo("web2");
        assertThat(sendMarked(1, datagram(CLIENT, 40002, 53))).isEqualTo("web2");
        assertThat(sendMarked(1, syn(NEIGHBOUR, 40000, 443))).isEqualTo("web1");
        List<String> lines = new ArrayList<>();
        for (ConnectionView v : templates()) {
            lines.add(v.protocolName() + " " + v.clientAddress() + ":" + v.clientPort() + " " + v.virtualAddress()
                + ":" + v.virtualPort() + " " + v.destinationAddress() + ":" + v.destinationPort());
        }
        // ip_vs_conn: protocol IP, the mark as the virtual address, ports 0.
        assertThat(lines).containsExactlyInAnyOrder("IP " + CLIENT + ":0 0.0.0.1:0 " + WEB2 + ":0",
            "IP " + NEIGHBOUR + ":0 0.0.0.1:0 " + WEB1 + ":0");
    }

    @Test
    void onePacketSchedulingSpreadsEveryDatagramAndKeepsNoConnection() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.ONEPACKET, 0, 0xffffffffL, 53, 1));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(send(datagram(CLIENT, 50000, 53))); // the same flow every time
        }
        assertThat(got).containsExactly("web2", "web1", "web2", "web1");
        assertThat(invoker.connections(nowNs)).isEmpty();
        assertThat(dataPlane.stats().counters(SERVICE_ID).connections()).isEqualTo(4);
        assertThat(dataPlane.stats().connectionCounts(WEB1_ID).inactive()).isZero();
        assertThat(dataPlane.stats().connectionCounts(WEB2_ID).inactive()).isZero();
    }

    @Test
    void onePacketSchedulingWithPersistenceStillPinsTheClient() {
        republish(rules(Protocol.UDP, 53, ServiceFlags.ONEPACKET | ServiceFlags.PERSISTENT, 20, 0xffffffffL, 53, 1));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(send(datagram(CLIENT, 50000 + i, 53)));
        }
        assertThat(got).containsExactly("web2", "web2", "web2");
        List<ConnectionView> all = invoker.connections(nowNs);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).clientPort()).isZero(); // only the template
        assertThat(send(datagram(NEIGHBOUR, 50000, 53))).isEqualTo("web1");
    }

    @Test
    void opsIsForUdpOnlyATcpServiceKeepsItsConnections() {
        republish(rules(Protocol.TCP, 80, ServiceFlags.ONEPACKET, 0, 0xffffffffL, 80, 1));
        assertThat(send(syn(CLIENT, 40000, 80))).isEqualTo("web2");
        assertThat(invoker.connections(nowNs)).hasSize(1);
    }
}
