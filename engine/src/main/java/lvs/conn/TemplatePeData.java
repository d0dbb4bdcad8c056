package lvs.conn;

import org.agrona.DirectBuffer;

/**
 * Persistence-engine data of templates (the kernel's {@code pe}, {@code pe_data}, {@code pe_data_len}):
 * for {@code --pe sip}, the Call-ID a template is keyed by. Fixed-size slots of {@link #MAX_LENGTH}
 * bytes, allocated once and taken and given back as templates come and go, so the packet path copies
 * and compares bytes in place and allocates nothing. The kernel {@code kmemdup}s each one instead and
 * has no limit; when every slot is taken a new SIP template cannot be made (counted as a full table).
 *
 * <p>Data-plane thread only.
 */
public final class TemplatePeData {
    /** {@code IP_VS_PEDATA_MAXLEN}. */
    public static final int MAX_LENGTH = 255;
    /** No persistence engine. */
    public static final int NONE = 0;
    /** {@code --pe sip}. */
    public static final int SIP = 1;
    private static final int SLOT_BYTES = 256;
    private static final int NO_SLOT = -1;

    private final byte[] data;
    private final int[] length;
    private final int[] hash;
    private final byte[] engine;
    /** Per connection entry: its slot + 1, 0 for none. */
    private final int[] slotOfEntry;
    /** Free slots, a stack. */
    private final int[] free;
    private int freeCount;

    /** {@code slots} slots for a table of {@code entries} entries. */
    public TemplatePeData(int slots, int entries) {
        data = new byte[slots * SLOT_BYTES];
        length = new int[slots];
        hash = new int[slots];
        engine = new byte[slots];
        slotOfEntry = new int[entries];
        free = new int[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = slots - 1 - i;
        }
        freeCount = slots;
    }

    /** The engine's name as {@code -Lc} shows it, or "" for {@link #NONE}. */
    public static String engineName(int engine) {
        return engine == SIP ? "sip" : "";
    }

    /** The engine id of an {@code --pe} name ({@link #NONE} for "" and anything unknown). */
    public static int engineOf(String name) {
        return "sip".equals(name) ? SIP : NONE;
    }

    /** The hash a template keyed by these bytes is indexed with (also for lookups). */
    public static int hash(DirectBuffer buffer, int offset, int length) {
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++) {
            h = (h ^ (buffer.getByte(offset + i) & 0xFF)) * 0x01000193;
        }
        return h ^ length;
    }

    /** Gives entry {@code e} a slot holding {@code [offset, offset + length)}; false when none is free. */
    boolean attach(int e, int peEngine, DirectBuffer buffer, int offset, int len, int h) {
        if (freeCount == 0 || len > MAX_LENGTH) {
            return false;
        }
        int slot = free[--freeCount];
        buffer.getBytes(offset, data, slot * SLOT_BYTES, len);
        length[slot] = len;
        hash[slot] = h;
        engine[slot] = (byte) peEngine;
        slotOfEntry[e] = slot + 1;
        return true;
    }

    /** Gives entry {@code e}'s slot back, if it has one. */
    void detach(int e) {
        int slot = slotOfEntry[e] - 1;
        if (slot != NO_SLOT) {
            slotOfEntry[e] = 0;
            free[freeCount++] = slot;
        }
    }

    /** Whether entry {@code e} has PE data. */
    public boolean has(int e) {
        return slotOfEntry[e] != 0;
    }

    /** Entry {@code e}'s engine, {@link #NONE} without data. */
    public int engine(int e) {
        int slot = slotOfEntry[e] - 1;
        return slot == NO_SLOT ? NONE : engine[slot];
    }

    int hashOf(int e) {
        return hash[slotOfEntry[e] - 1];
    }

    /** Whether entry {@code e} holds exactly these bytes for {@code peEngine} (the kernel's {@code ct_match}). */
    boolean matches(int e, int peEngine, DirectBuffer buffer, int offset, int len) {
        int slot = slotOfEntry[e] - 1;
        if (slot == NO_SLOT || length[slot] != len || engine[slot] != peEngine) {
            return false;
        }
        int base = slot * SLOT_BYTES;
        for (int i = 0; i < len; i++) {
            if (data[base + i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** Entry {@code e}'s data as the kernel's {@code show_pe_data} writes it (bytes as Latin-1 text). */
    public String text(int e) {
        int slot = slotOfEntry[e] - 1;
        return slot == NO_SLOT ? "" : new String(data, slot * SLOT_BYTES, length[slot],
            java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Slots in use (templates with PE data). */
    public int used() {
        return free.length - freeCount;
    }
}
