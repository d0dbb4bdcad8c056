package lvs.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lvs.model.ForwardingMethod;
import lvs.model.Protocol;
import lvs.model.RealServerSpec;
import lvs.model.ServiceKey;
import lvs.model.ServiceSpec;
import lvs.model.TunnelType;
import lvs.table.Counters;
import lvs.table.Rates;
import lvs.table.RealServerView;
import lvs.table.ServiceView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference's §8.6 examples of the non-transitive comparator under glibc's merge sort. */
class IpvsadmOrderTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1 100.0.0.1 192.168.0.1 1.1.1.1 200.1.1.1 128.0.0.1 127.0.0.1"
            + "|10.0.0.1 100.0.0.1 127.0.0.1 128.0.0.1 192.168.0.1 200.1.1.1 1.1.1.1",
        "192.168.0.1 100.0.0.1 10.0.0.1|192.168.0.1 10.0.0.1 100.0.0.1",
        "100.0.0.1 10.0.0.1 192.168.0.1|100.0.0.1 192.168.0.1 10.0.0.1"})
    void servicesFromAddOrder(String added, String listed) {
        // the reference's examples were verified with an emulation that dumped in add order
        List<ServiceView> dump = java.util.Arrays.stream(added.split(" "))
            .map(a -> new ServiceView(new ServiceSpec(ServiceKey.of(Protocol.TCP, AddressLiteral.parse(a), 80), "wlc", "",
                0, 0, 0xffffffffL), List.of(), Counters.ZERO, Rates.ZERO)).toList();
        List<String> order = IpvsadmOrder.services(dump).stream()
            .map(s -> s.spec().key().address().toString()).toList();
        assertThat(String.join(" ", order)).isEqualTo(listed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"8.8.8.8 172.16.0.1 192.168.1.1 10.1.1.1|172.16.0.1 192.168.1.1 8.8.8.8 10.1.1.1"})
    void realServersFromKernelOrder(String kernelOrder, String listed) {
        List<RealServerView> servers = java.util.Arrays.stream(kernelOrder.split(" "))
            .map(a -> new RealServerView(new RealServerSpec(AddressLiteral.parse(a), 80, ForwardingMethod.ROUTE, 1, 0, 0,
                TunnelType.IPIP, 0, 0), 0, 0, 0, Counters.ZERO, Rates.ZERO)).toList();
        assertThat(String.join(" ", IpvsadmOrder.realServers(servers).stream()
            .map(r -> r.spec().address().toString()).toList())).isEqualTo(listed);
    }
}
