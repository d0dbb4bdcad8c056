package lvs.model;

/** Transport protocols a virtual service can carry, with IANA numbers and ipvsadm's spellings. */
public enum Protocol {
    TCP(6, "TCP", "tcp", "-t"),
    UDP(17, "UDP", "udp", "-u"),
    SCTP(132, "SCTP", "sctp", "--sctp-service");

    private final int number;
    private final String listName;
    private final String serviceName;
    private final String ruleOption;

    Protocol(int number, String listName, String serviceName, String ruleOption) {
        this.number = number;
        this.listName = listName;
        this.serviceName = serviceName;
        this.ruleOption = ruleOption;
    }

    /** IPPROTO_* number: 6, 17, 132. */
    public int number() {
        return number;
    }

    /** As {@code ipvsadm -L} prints it: {@code TCP}, {@code UDP}, {@code SCTP}. */
    public String listName() {
        return listName;
    }

    /** As {@code getservbyname} and {@code /proc/net/ip_vs_conn} spell it: {@code tcp}, {@code udp}, {@code sctp}. */
    public String serviceName() {
        return serviceName;
    }

    /** The ipvsadm option that names a service of this protocol in {@code -S} output. */
    public String ruleOption() {
        return ruleOption;
    }

    /** The protocol with IANA number {@code number}, or null. */
    public static Protocol ofNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        return null;
    }
}
