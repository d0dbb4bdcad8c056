package lvs.table;

import static lvs.table.TableFixtures.fwmark;
import static lvs.table.TableFixtures.ip;
import static lvs.table.TableFixtures.masq;
import static lvs.table.TableFixtures.newTable;
import static lvs.table.TableFixtures.server;
import static lvs.table.TableFixtures.service;
import static lvs.table.TableFixtures.tcp;
import static lvs.table.TableFixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.RealServerSpec;
import lvs.model.ServiceFlags;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;
import lvs.model.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VirtualServerTableTest {
    private static final ServiceKey VIP = tcp("192.0.2.1", 80);

    /** One operation on a table that holds VIP with real server 198.51.100.1:80 (masq), and its errno. */
    interface Op {
        void apply(VirtualServerTable t) throws IpvsException;
    }

    static Stream<Arguments> errnos() {
        return Stream.of(
            Arguments.of("add existing service", Errno.EEXIST, (Op) t -> t.addService(service(VIP))),
            Arguments.of("add existing service, unknown scheduler: EEXIST first", Errno.EEXIST,
                (Op) t -> t.addService(service(VIP, "bogus"))),
            Arguments.of("unknown scheduler", Errno.ENOENT, (Op) t -> t.addService(service(tcp("192.0.2.2", 80), "bogus"))),
            Arguments.of("unknown PE", Errno.ENOENT, (Op) t -> t.addService(
                new ServiceSpec(tcp("192.0.2.2", 80), "rr", "http", 0, 0, 0xffffffffL))),
            Arguments.of("IPv6 prefix 0", Errno.EINVAL, (Op) t -> t.addService(
                new ServiceSpec(tcp("2001:db8::1", 80), "rr", "", 0, 0, 0))),
            Arguments.of("IPv6 prefix 129", Errno.EINVAL, (Op) t -> t.addService(
                new ServiceSpec(tcp("2001:db8::1", 80), "rr", "", 0, 0, 129))),
            Arguments.of("edit missing service", Errno.ESRCH, (Op) t -> t.editService(service(tcp("192.0.2.2", 80)))),
            Arguments.of("edit: other protocol is another service", Errno.ESRCH, (Op) t -> t.editService(service(udp("192.0.2.1", 80)))),
            Arguments.of("edit to unknown scheduler", Errno.ENOENT, (Op) t -> t.editService(service(VIP, "bogus"))),
            Arguments.of("delete missing service", Errno.ESRCH, (Op) t -> t.deleteService(fwmark(1))),
            Arguments.of("zero missing service", Errno.ESRCH, (Op) t -> t.zeroService(tcp("192.0.2.1", 81))),
            Arguments.of("add dest to missing service", Errno.ESRCH, (Op) t -> t.addRealServer(fwmark(1), masq("198.51.100.9", 80))),
            Arguments.of("add dest twice", Errno.EEXIST, (Op) t -> t.addRealServer(VIP, masq("198.51.100.1", 80))),
            Arguments.of("negative weight before EEXIST", Errno.ERANGE,
                (Op) t -> t.addRealServer(VIP, server("198.51.100.1", 80, ForwardingMethod.MASQUERADE, -1))),
            Arguments.of("lower threshold above upper", Errno.ERANGE, (Op) t -> t.addRealServer(VIP,
                new RealServerSpec(ip("198.51.100.9"), 80, ForwardingMethod.MASQUERADE, 1, 0, 50, TunnelType.IPIP, 0, 0))),
            Arguments.of("GUE without port", Errno.EINVAL, (Op) t -> t.addRealServer(VIP,
                new RealServerSpec(ip("198.51.100.9"), 80, ForwardingMethod.TUNNEL, 1, 0, 0, TunnelType.GUE, 0, 0))),
            Arguments.of("dest 0.1.2.3", Errno.EINVAL, (Op) t -> t.addRealServer(VIP, masq("0.1.2.3", 80))),
            Arguments.of("dest broadcast", Errno.EINVAL, (Op) t -> t.addRealServer(VIP, masq("255.255.255.255", 80))),
            Arguments.of("dest multicast", Errno.EINVAL, (Op) t -> t.addRealServer(VIP, masq("239.1.1.1", 80))),
            Arguments.of("dest IPv6 link-local", Errno.EINVAL, (Op) t -> t.addRealServer(v6Vip(t), masq("fe80::1", 80))),
            Arguments.of("dest IPv6 ::", Errno.EINVAL, (Op) t -> t.addRealServer(v6Vip(t), masq("::", 80))),
            Arguments.of("dest IPv6 multicast", Errno.EINVAL, (Op) t -> t.addRealServer(v6Vip(t), masq("ff02::1", 80))),
            Arguments.of("dest IPv6 v4-mapped", Errno.EINVAL, (Op) t -> t.addRealServer(v6Vip(t), masq("::ffff:1.2.3.4", 80))),
            Arguments.of("other family without tunnel", Errno.EINVAL, (Op) t -> t.addRealServer(VIP, masq("2001:db8::9", 80))),
            Arguments.of("edit missing dest", Errno.ENOENT, (Op) t -> t.editRealServer(VIP, masq("198.51.100.1", 81))),
            Arguments.of("edit dest, bad range before ENOENT", Errno.ERANGE,
                (Op) t -> t.editRealServer(VIP, server("198.51.100.7", 80, ForwardingMethod.MASQUERADE, -5))),
            Arguments.of("edit dest of missing service", Errno.ESRCH, (Op) t -> t.editRealServer(fwmark(3), masq("198.51.100.1", 80))),
            Arguments.of("delete missing dest", Errno.ENOENT, (Op) t -> t.deleteRealServer(VIP, ip("198.51.100.1"), 81)),
            Arguments.of("delete dest of missing service", Errno.ESRCH, (Op) t -> t.deleteRealServer(fwmark(3), ip("198.51.100.1"), 80)),
            Arguments.of("timeout above INT_MAX/HZ", Errno.EINVAL, (Op) t -> t.setTimeouts(new Timeouts(8589935, 0, 0))),
            Arguments.of("negative timeout", Errno.EINVAL, (Op) t -> t.setTimeouts(new Timeouts(0, 0, -1))),
            Arguments.of("daemon on missing interface", Errno.ENODEV, (Op) t -> t.startDaemon(daemon(SyncDaemonSpec.State.MASTER, "nope0"))),
            Arguments.of("daemon twice", Errno.EEXIST, (Op) t -> {
                t.startDaemon(daemon(SyncDaemonSpec.State.MASTER, "lo"));
                t.startDaemon(daemon(SyncDaemonSpec.State.MASTER, "eth0"));
            }),
            Arguments.of("daemon with unicast group", Errno.EINVAL, (Op) t -> t.startDaemon(
                new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.MASTER, "lo", 0, 0, ip("192.0.2.1"), 0, 0))),
            Arguments.of("stop daemon not running", Errno.ESRCH, (Op) t -> t.stopDaemon(SyncDaemonSpec.State.BACKUP, 0)),
            Arguments.of("mixed-family dest while a daemon runs", Errno.EINVAL, (Op) t -> {
                t.startDaemon(daemon(SyncDaemonSpec.State.BACKUP, "lo"));
                t.addRealServer(VIP, server("2001:db8::9", 80, ForwardingMethod.TUNNEL, 1));
            }));
    }

    private static ServiceKey v6Vip(VirtualServerTable t) throws IpvsException {
        ServiceKey k = tcp("2001:db8::1", 80);
        t.addService(service(k));
        return k;
    }

    private static IpvsControl.SyncDaemonRequest daemon(SyncDaemonSpec.State state, String ifName) {
        return new IpvsControl.SyncDaemonRequest(state, ifName, 0, 0, null, 0, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errnos")
    void refusesWithTheKernelsErrnoAndChangesNothing(String what, Errno errno, Op op) throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(service(VIP, "rr"));
        t.addRealServer(VIP, masq("198.51.100.1", 80));
        t.addRealServer(VIP, masq("198.51.100.7", 80));

        assertThatThrownBy(() -> op.apply(t)).isInstanceOf(IpvsException.class)
            .extracting(e -> ((IpvsException) e).errno()).isEqualTo(errno);

        t.checkInvariants();
        ServiceView v = t.service(VIP);
        assertThat(v.spec().scheduler()).isEqualTo("rr");
        assertThat(v.realServers()).extracting(r -> r.spec().address().toString())
            .containsExactly("198.51.100.7", "198.51.100.1");
    }

    @Test
    void noDaemonWhileAMixedFamilyRealServerExists() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(service(VIP));
        t.addRealServer(VIP, server("2001:db8::9", 80, ForwardingMethod.TUNNEL, 1));
        assertThatThrownBy(() -> t.startDaemon(daemon(SyncDaemonSpec.State.BACKUP, "lo")))
            .extracting(e -> ((IpvsException) e).errno()).isEqualTo(Errno.EINVAL);
        assertThat(t.daemons()).isEmpty();
        t.deleteRealServer(VIP, ip("2001:db8::9"), 80);
        t.startDaemon(daemon(SyncDaemonSpec.State.BACKUP, "lo"));
        assertThat(t.daemons()).hasSize(1);
    }

    @Test
    void storesFlagsWithHashedAndEditReplacesEverything() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(new ServiceSpec(VIP, "rr", "sip", ServiceFlags.PERSISTENT | ServiceFlags.SCHED1, 100, 0xffffff00L));
        assertThat(t.service(VIP).spec().flags()).isEqualTo(ServiceFlags.PERSISTENT | ServiceFlags.SCHED1 | ServiceFlags.HASHED);

        t.editService(service(VIP));
        ServiceSpec s = t.service(VIP).spec();
        assertThat(s).isEqualTo(new ServiceSpec(VIP, "wlc", "", ServiceFlags.HASHED, 0, 0xffffffffL));
    }

    @Test
    void acceptsNoneSchedulerAndSip() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(new ServiceSpec(VIP, "none", "sip", 0, 0, 0xffffffffL));
        assertThat(t.service(VIP).spec().scheduler()).isEqualTo("none");
    }

    @Test
    void fwmarkServicesAreFoundByMarkAndFamily() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(service(fwmark(5)));
        t.addService(service(ServiceKey.ofFwmark(AddressFamily.INET6, 5)));
        assertThatThrownBy(() -> t.addService(service(fwmark(5)))).extracting(e -> ((IpvsException) e).errno())
            .isEqualTo(Errno.EEXIST);
        t.deleteService(fwmark(5));
        assertThat(t.dump().services()).extracting(s -> s.spec().key().family()).containsExactly(AddressFamily.INET6);
    }

    @Test
    void timeoutsZeroKeepsTheValue() throws IpvsException {
        VirtualServerTable t = newTable();
        t.setTimeouts(new Timeouts(3600, 0, 0));
        t.setTimeouts(new Timeouts(0, 0, 8589934));
        assertThat(t.timeouts()).isEqualTo(new Timeouts(3600, 120, 8589934));
    }

    @Test
    void syncDaemonDefaultsAndMaxlen() throws IpvsException {
        VirtualServerTable t = newTable();
        t.startDaemon(new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.BACKUP, "eth0", 3, 0, null, 0, 0));
        t.startDaemon(new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.MASTER, "eth0", 1, 0, null, 0, 0));
        assertThat(t.daemons()).containsExactly(
            new SyncDaemonSpec(SyncDaemonSpec.State.MASTER, "eth0", 1, 1472, ip("224.0.0.81"), 8848, 1),
            new SyncDaemonSpec(SyncDaemonSpec.State.BACKUP, "eth0", 3, 9000 - 28, ip("224.0.0.81"), 8848, 1));
        t.stopDaemon(SyncDaemonSpec.State.BACKUP, 0);
        t.startDaemon(new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.BACKUP, "small0", 0, 0, ip("ff02::1:7"), 0, 0));
        assertThat(t.daemons().get(1).maxLength()).isEqualTo(1500 - 48);
        t.stopDaemon(SyncDaemonSpec.State.BACKUP, 0);
        t.startDaemon(new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.BACKUP, "lo", 0, 100, null, 9000, 2));
        assertThat(t.daemons().get(1).maxLength()).isEqualTo(1024);
        t.stopDaemon(SyncDaemonSpec.State.MASTER, 0);
        t.startDaemon(new IpvsControl.SyncDaemonRequest(SyncDaemonSpec.State.MASTER, "lo", 0, 65535, null, 0, 0));
        assertThat(t.daemons().get(0).maxLength()).isEqualTo(65535 - 28);
    }

    @Test
    void realServersNewestFirstEditKeepsPlaceDeleteAddMovesToFront() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(service(VIP));
        for (String a : List.of("198.51.100.3", "198.51.100.1", "198.51.100.2")) {
            t.addRealServer(VIP, masq(a, 80));
        }
        assertThat(order(t)).containsExactly("198.51.100.2", "198.51.100.1", "198.51.100.3");
        t.deleteRealServer(VIP, ip("198.51.100.1"), 80);
        t.addRealServer(VIP, masq("198.51.100.1", 80));
        t.editRealServer(VIP, server("198.51.100.3", 80, ForwardingMethod.MASQUERADE, 5));
        assertThat(order(t)).containsExactly("198.51.100.1", "198.51.100.2", "198.51.100.3");
        assertThat(t.service(VIP).realServers().get(2).spec().weight()).isEqualTo(5);
        t.checkInvariants();
    }

    /**
     * The corpus's 37-hash-order script: bucket = (proto ^ addr ^ (port >> 8) ^ port) & 0xff for the
     * service table (IPv6 folds its four words), (mark) & 0xff for the fwmark table after it.
     */
    @Test
    void dumpOrderFollowsTheKernelHash() throws IpvsException {
        VirtualServerTable t = newTable();
        List<ServiceKey> keys = List.of(tcp("192.0.2.1", 80), tcp("192.0.2.2", 80), tcp("192.0.2.3", 80),
            tcp("192.0.2.1", 81), udp("192.0.2.1", 80), tcp("192.0.2.1", 336), tcp("192.0.2.17", 80),
            tcp("192.0.2.81", 1), fwmark(300), fwmark(44), fwmark(256), fwmark(1), tcp("2001:db8::5", 80),
            tcp("2001:db8::1:4", 80));
        for (ServiceKey k : keys) {
            t.addService(service(k, "rr"));
        }
        // buckets (low bytes only matter): udp 192.0.2.1:80 = 0x11^0x01^0x50 = 0x40; .17 = 0x47; .2 = 0x54;
        // .3 = 0x55; .81:1, .1:336 and .1:81 all 0x56 (newest first); .1:80 = 0x57; 2001:db8::1:4 folds
        // to 0xbc -> 0xea; 2001:db8::5 -> 0xeb. Fwmarks: 256 -> 0, 1 -> 1, 300 and 44 -> 0x2c (44 newer).
        assertThat(dump(t)).containsExactly("17 192.0.2.1:80", "6 192.0.2.17:80", "6 192.0.2.2:80", "6 192.0.2.3:80",
            "6 192.0.2.81:1", "6 192.0.2.1:336", "6 192.0.2.1:81", "6 192.0.2.1:80", "6 [2001:db8::1:4]:80",
            "6 [2001:db8::5]:80", "fwm 256", "fwm 1", "fwm 44", "fwm 300");

        t.deleteService(tcp("192.0.2.1", 81));
        t.addService(service(tcp("192.0.2.1", 81), "rr"));
        t.editService(service(tcp("192.0.2.1", 336), "wrr"));
        assertThat(dump(t).subList(4, 7)).containsExactly("6 192.0.2.1:81", "6 192.0.2.81:1", "6 192.0.2.1:336");
        t.checkInvariants();
    }

    @Test
    void replayingCreationOrderRebuildsTheSameDump() throws IpvsException {
        VirtualServerTable t = newTable();
        t.addService(service(tcp("192.0.2.1", 336)));
        t.addService(service(tcp("192.0.2.81", 1)));
        t.addService(service(tcp("192.0.2.1", 81)));
        t.addRealServer(tcp("192.0.2.1", 81), masq("198.51.100.1", 80));
        t.addRealServer(tcp("192.0.2.1", 81), masq("198.51.100.2", 80));
        t.addRealServer(tcp("192.0.2.1", 81), masq("198.51.100.3", 80));
        t.deleteService(tcp("192.0.2.81", 1));
        t.addService(service(tcp("192.0.2.81", 1)));
        t.deleteRealServer(tcp("192.0.2.1", 81), ip("198.51.100.2"), 80);
        t.addRealServer(tcp("192.0.2.1", 81), masq("198.51.100.2", 80));
        t.editRealServer(tcp("192.0.2.1", 81), server("198.51.100.3", 80, ForwardingMethod.MASQUERADE, 9));

        VirtualServerTable copy = newTable();
        for (ServiceEntry s : t.entriesInCreationOrder()) {
            copy.addService(s.spec());
            for (RealServerEntry r : s.realServers()) {
                copy.addRealServer(s.spec().key(), r.spec());
            }
        }
        assertThat(copy.dump()).isEqualTo(t.dump());
        copy.checkInvariants();
    }

    private static List<String> order(VirtualServerTable t) throws IpvsException {
        return t.service(VIP).realServers().stream().map(r -> r.spec().address().toString()).toList();
    }

    static List<String> dump(VirtualServerTable t) {
        return t.dump().services().stream().map(s -> {
            ServiceKey k = s.spec().key();
            return k.isFwmark() ? "fwm " + k.fwmark() : k.protocol().number() + " " + (k.address().isIpv6()
                ? "[" + k.address() + "]" : k.address().toString()) + ":" + k.port();
        }).toList();
    }
}
