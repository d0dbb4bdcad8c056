package lvs.conn;

/** Bits of the TCP header's flag byte (offset 13) that the state machine looks at. */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private TcpFlags() {
    }
}
