package lvs.model;

/** {@code --tun-type}: the kernel's IP_VS_CONN_F_TUNNEL_TYPE_* values. */
public enum TunnelType {
    IPIP(0, "ipip"),
    GUE(1, "gue"),
    GRE(2, "gre");

    private final int kernelValue;
    private final String optionName;

    TunnelType(int kernelValue, String optionName) {
        this.kernelValue = kernelValue;
        this.optionName = optionName;
    }

    public int kernelValue() {
        return kernelValue;
    }

    /** As {@code --tun-type} spells it. */
    public String optionName() {
        return optionName;
    }
}
