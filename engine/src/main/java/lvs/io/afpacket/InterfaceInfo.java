package lvs.io.afpacket;

/**
 * A network interface as the kernel names it: index, MAC (low 48 bits) and MTU. Control path only.
 */
public record InterfaceInfo(String name, int index, long mac, int mtu) {
    /** The MAC in the usual colon form, lower-case. */
    public String macText() {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (text.length() > 0) {
                text.append(':');
            }
            text.append(String.format("%02x", (mac >>> shift) & 0xFF));
        }
        return text.toString();
    }
}
