package lvs.table;

import lvs.model.ServiceKey;

/**
 * Which of the kernel's 256 service hash buckets a service lives in ({@code ip_vs_svc_hashkey} and
 * {@code ip_vs_svc_fwm_hashkey} with {@code IP_VS_SVC_TAB_BITS} = 8). The dump walks the buckets in
 * order, so this decides what {@code --nosort} shows.
 */
final class ServiceHash {
    static final int BUCKETS = 256;

    private ServiceHash() {
    }

    /**
     * @param salt the low bits of the kernel's per-netns pointer; the oracle and this table use 0
     */
    static int bucket(ServiceKey key, int salt) {
        if (key.isFwmark()) {
            return (int) ((salt ^ key.fwmark()) & 0xff);
        }
        int folded = key.address().word(0);
        if (key.address().isIpv6()) {
            folded ^= key.address().word(1) ^ key.address().word(2) ^ key.address().word(3);
        }
        int port = key.port();
        return (key.protocol().number() ^ folded ^ salt ^ (port >>> 8) ^ port) & 0xff;
    }
}
