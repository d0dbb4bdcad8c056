package lvs.model;

/**
 * How packets reach a real server: the kernel's IP_VS_CONN_F_FWD_MASK values, with the names
 * {@code ipvsadm -L} prints.
 */
public enum ForwardingMethod {
    /** {@code -m}: NAT. */
    MASQUERADE(0, "Masq", "-m"),
    /** Real server is the director itself. */
    LOCAL(1, "Local", "-g"),
    /** {@code -i}: IP-in-IP / GUE / GRE. */
    TUNNEL(2, "Tunnel", "-i"),
    /** {@code -g}: direct routing, the default. */
    ROUTE(3, "Route", "-g"),
    /** Bypass (cache clusters); not selectable from ipvsadm. */
    BYPASS(4, "Bypass", "-g");

    private final int kernelValue;
    private final String listName;
    private final String ruleOption;

    ForwardingMethod(int kernelValue, String listName, String ruleOption) {
        this.kernelValue = kernelValue;
        this.listName = listName;
        this.ruleOption = ruleOption;
    }

    public int kernelValue() {
        return kernelValue;
    }

    /** {@code Masq}, {@code Local}, {@code Tunnel}, {@code Route}, {@code Bypass}. */
    public String listName() {
        return listName;
    }

    /** What {@code ipvsadm -S} prints for this method. */
    public String ruleOption() {
        return ruleOption;
    }
}
