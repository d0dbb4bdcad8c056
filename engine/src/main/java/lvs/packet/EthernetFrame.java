package lvs.packet;

import org.agrona.MutableDirectBuffer;

/**
 * An Ethernet II header, optionally with one 802.1Q tag.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC (6 bytes)                  |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+     Source MAC (6 bytes)      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType or TPID 0x8100    |  PCP|D|   VLAN id (if tagged) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  inner EtherType (if tagged)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * MAC addresses are handled as the low 48 bits of a {@code long}.
 */
public final class EthernetFrame extends HeaderFlyweight {
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int TCI_OFFSET = 14;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88A8;
    public static final int TYPE_IPV6 = 0x86DD;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    public EthernetFrame wrap(MutableDirectBuffer buffer, int offset, int length) {
        wrapRange(buffer, offset, length);
        return this;
    }

    public long destination() {
        return mac(DESTINATION_OFFSET);
    }

    public EthernetFrame destination(long mac) {
        mac(DESTINATION_OFFSET, mac);
        return this;
    }

    public long source() {
        return mac(SOURCE_OFFSET);
    }

    public EthernetFrame source(long mac) {
        mac(SOURCE_OFFSET, mac);
        return this;
    }

    /** The outer EtherType or TPID at byte 12. */
    public int etherType() {
        return u16(ETHER_TYPE_OFFSET);
    }

    public EthernetFrame etherType(int type) {
        u16(ETHER_TYPE_OFFSET, type);
        return this;
    }

    public boolean isVlanTagged() {
        return etherType() == TYPE_VLAN;
    }

    /** The 12-bit VLAN id of a tagged frame. */
    public int vlanId() {
        return u16(TCI_OFFSET) & 0x0FFF;
    }

    /** The EtherType of the payload, after the tag if there is one. */
    public int payloadType() {
        return isVlanTagged() ? u16(TCI_OFFSET + 2) : etherType();
    }

    /** Bytes from the start of the frame to the payload: 14, or 18 when tagged. */
    public int headerLength() {
        return isVlanTagged() ? HEADER_LENGTH + VLAN_TAG_LENGTH : HEADER_LENGTH;
    }

    /** Swaps source and destination MAC (for replies built in place). */
    public EthernetFrame swapAddresses() {
        long d = destination();
        destination(source());
        source(d);
        return this;
    }
}
