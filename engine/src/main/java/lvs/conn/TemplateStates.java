package lvs.conn;

/** States of a persistence template (IP_VS_CTPL_S_*). */
public final class TemplateStates {
    public static final int NONE = 0;
    /** A controlled TCP connection reached ESTABLISHED, or a controlled UDP one saw a reply. */
    public static final int ASSURED = 1;

    private TemplateStates() {
    }

    public static String name(int state) {
        switch (state) {
            case NONE: return "NONE";
            case ASSURED: return "ASSURED";
            default: return "ERR!";
        }
    }
}
