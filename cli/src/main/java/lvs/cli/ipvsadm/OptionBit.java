package lvs.cli.ipvsadm;

/**
 * ipvsadm's option bits, in its index order (OPT_NUMERIC = bit 0 ... OPT_TUN_REMCSUM = bit 33). The
 * order matters: the command x option matrix is walked by this index, not by argv order, and the
 * internal names appear in messages such as {@code multiple 'numeric' options specified}.
 */
public enum OptionBit {
    NUMERIC("numeric"),
    CONNECTION("connection"),
    SERVICE("service-address"),
    SCHEDULER("scheduler"),
    PERSISTENT("persistent"),
    NETMASK("netmask"),
    SERVER("real-server"),
    FORWARD("forwarding-method"),
    WEIGHT("weight"),
    UTHRESHOLD("u-threshold"),
    LTHRESHOLD("l-threshold"),
    MCAST_INTERFACE("mcast-interface"),
    TIMEOUT("timeout"),
    DAEMON("daemon"),
    STATS("stats"),
    RATE("rate"),
    THRESHOLDS("thresholds"),
    PERSISTENT_CONN("persistent-conn"),
    NOSORT("nosort"),
    SYNCID("syncid"),
    EXACT("exact"),
    ONEPACKET("ops"),
    PERSISTENCE_ENGINE("pe"),
    SCHED_FLAGS("sched-flags"),
    MCAST_GROUP("mcast-group"),
    MCAST_PORT("mcast-port"),
    MCAST_TTL("mcast-ttl"),
    SYNC_MAXLEN("sync-maxlen"),
    TUN_INFO("tun-info"),
    TUN_TYPE("tun-type"),
    TUN_PORT("tun-port"),
    TUN_NOCSUM("tun-nocsum"),
    TUN_CSUM("tun-csum"),
    TUN_REMCSUM("tun-remcsum");

    private final String internalName;

    OptionBit(String internalName) {
        this.internalName = internalName;
    }

    /** The name ipvsadm uses in its messages ({@code optnames[]}). */
    public String internalName() {
        return internalName;
    }
}
