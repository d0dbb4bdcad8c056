package lvs.table;

import java.util.List;
import lvs.model.InetAddress;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.SyncDaemonSpec;
import lvs.model.Timeouts;

/**
 * What ipvsadm asks of "the kernel": the operations of libipvs, with the kernel's validation and
 * errno codes ({@code ip_vs_ctl.c}). ipvsadm's own option checks happen before these are called;
 * everything checked here is what the kernel checks. Every modifying call either applies completely
 * or throws and changes nothing.
 */
public interface IpvsControl {
    /** IPVS version the "kernel" reports: 1.2.1 = 0x010201. */
    int VERSION_CODE = 0x010201;

    void addService(ServiceSpec service) throws IpvsException;

    void editService(ServiceSpec service) throws IpvsException;

    void deleteService(ServiceKey key) throws IpvsException;

    /** {@code -C}: delete every service. */
    void flush() throws IpvsException;

    /** {@code -Z -t ...}: zero one service's and its real servers' counters. */
    void zeroService(ServiceKey key) throws IpvsException;

    /** {@code -Z}: zero every counter, including the global totals. */
    void zeroAll() throws IpvsException;

    void addRealServer(ServiceKey service, RealServerSpec server) throws IpvsException;

    void editRealServer(ServiceKey service, RealServerSpec server) throws IpvsException;

    void deleteRealServer(ServiceKey service, InetAddress address, int port) throws IpvsException;

    /** {@code --set}: a 0 leaves that timeout unchanged. */
    void setTimeouts(Timeouts timeouts) throws IpvsException;

    Timeouts timeouts() throws IpvsException;

    /**
     * {@code --start-daemon}. Fields that ipvsadm did not send are 0 / null in {@code request}
     * (maxLength, port, ttl, group) and the kernel's defaults apply.
     */
    void startDaemon(SyncDaemonRequest request) throws IpvsException;

    /** {@code --stop-daemon}. */
    void stopDaemon(SyncDaemonSpec.State state, int syncId) throws IpvsException;

    /** Running sync daemons, master first. */
    List<SyncDaemonSpec> daemons() throws IpvsException;

    /** The whole table, services and real servers in the kernel's dump order, with counters. */
    TableView dump() throws IpvsException;

    /** One service with its real servers, or ESRCH. */
    ServiceView service(ServiceKey key) throws IpvsException;

    /** Current connection entries (what {@code /proc/net/ip_vs_conn} lists), templates included. */
    List<ConnectionView> connections() throws IpvsException;

    /**
     * {@code --start-daemon} as ipvsadm sends it.
     *
     * @param group null when {@code --mcast-group} was not given
     */
    record SyncDaemonRequest(SyncDaemonSpec.State state, String interfaceName, int syncId, int maxLength,
                             InetAddress group, int port, int ttl) {
    }
}
