package lvs.conn;

import java.util.concurrent.ThreadLocalRandom;
import org.agrona.DirectBuffer;

/**
 * The connection table: a fixed number of entries, each a 13-long struct inside one {@code long[]},
 * found through two open-addressing indexes.
 *
 * <ul>
 *   <li><b>Inbound</b> key: {@code (af, protocol, caddr, cport, vaddr, vport, template?)}, for packets
 *       from clients and for template lookups (templates have cport 0 and a key bit of their own, so a
 *       normal lookup never finds a template, as in the kernel).</li>
 *   <li><b>Outbound</b> key: the reply's {@code (af, protocol, source, sport, caddr, cport)}, where the
 *       source is the real server for NAT and the virtual address for local-node entries. Only entries
 *       whose replies pass the director (NAT, local node) are indexed outbound; DR and TUN replies go
 *       straight to the client, so indexing them would only cost time.</li>
 * </ul>
 *
 * <p>Templates of a service with a persistence engine ({@code --pe sip}) are keyed by its data too
 * (the Call-ID, in {@link TemplatePeData}): their key has a bit of its own and their hash mixes in the
 * data's, so they and plain templates never find each other, as the kernel hashes them apart.
 *
 * <p>Addresses are two longs, high and low 64 bits in network order. IPv4 addresses are
 * {@code hi = 0, lo = the 32-bit address}; the family is part of the key, so {@code 0.0.0.1} and
 * {@code ::1} never match each other.
 *
 * <p>{@code capacity} is a limit: the entry array starts at {@link #INITIAL_ENTRIES} (or the capacity, if
 * smaller) and doubles when an insert finds every allocated entry in use, so an idle director does not
 * hold 13 MiB per 131,072 connections it may never see (lvsd's default limit). Entry numbers stay valid
 * across growth, and the two indexes are sized for the capacity from the start (4 bytes per cell), so
 * growth is one array copy, never a rehash. Growing allocates on the packet path, but only
 * log2(capacity / {@value #INITIAL_ENTRIES}) times in the table's life (5 copies, the last ~7 MiB, for
 * the default limit); nothing else allocates after construction. When every entry up to the capacity
 * is in use, {@link #insert} returns {@link #NOT_FOUND} and counts the failure; the caller drops the
 * packet.
 *
 * <p>Not thread-safe: owned by one data-plane thread. {@code insert} does not check for duplicates;
 * the data plane always looks up first.
 */
public final class ConnectionTable {
    public static final int NOT_FOUND = -1;
    /** The kernel's AF_INET and AF_INET6, the values {@link lvs.model.AddressFamily} carries. */
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // Entry layout: word offsets within an entry.
    static final int W_CADDR_HI = 0;
    static final int W_CADDR_LO = 1;
    static final int W_VADDR_HI = 2;
    static final int W_VADDR_LO = 3;
    /**
     * cport | vport << 16 | dport << 32 | protocol << 48 | key flags (below). It sits right after the
     * client and virtual addresses so that an inbound key compare reads the first 40 bytes of the entry,
     * and an outbound one the first 56: usually one cache line, at most two.
     */
    static final int W_KEY = 4;
    static final int W_DADDR_HI = 5;
    static final int W_DADDR_LO = 6;
    static final int W_EXPIRES = 7;
    /** serviceId (low 32) | destinationId (high 32). */
    static final int W_IDS = 8;
    /** flags (low 32) | state (bits 32..39). */
    static final int W_FLAGS = 9;
    /** timeoutMs (low 32) | inPackets (high 32). */
    static final int W_TIMEOUT = 10;
    /** control entry + 1, 0 for none (low 32) | number of entries this one controls (high 32). */
    static final int W_CONTROL = 11;
    /** expiry-wheel links: prev (low 32) | next (high 32); the next free entry while free. */
    static final int W_LINKS = 12;
    static final int STRIDE = 13;
    /** Bytes of entry storage per connection, excluding the two indexes. */
    public static final int ENTRY_BYTES = STRIDE * Long.BYTES;

    private static final long KEY_V6 = 1L << 56;
    private static final long KEY_DEST_V6 = 1L << 57;
    private static final long KEY_TEMPLATE = 1L << 58;
    /** A template keyed by persistence-engine data as well. */
    private static final long KEY_PE = 1L << 59;
    private static final long INBOUND_KEY_MASK = 0xFFFFL | 0xFFFFL << 16 | 0xFFL << 48 | KEY_V6 | KEY_TEMPLATE
        | KEY_PE;

    /** Entries first allocated; the array doubles from here up to {@link #capacity}. */
    public static final int INITIAL_ENTRIES = 4096;

    /** Grows (never shrinks) as connections need entries; see the class comment. */
    private long[] entries;
    private final int capacity;
    private final long seed;
    private final HashIndex inbound;
    private final HashIndex outbound;
    private final HashIndex.Rehash inboundRehash = this::inboundHashOf;
    private final HashIndex.Rehash outboundRehash = this::outboundHashOf;
    private int size;
    private int highWater;
    private int freeHead = NOT_FOUND;
    private long failedInserts;
    /** Created when the first service with a persistence engine is installed; null until then. */
    private TemplatePeData peData;

    public ConnectionTable(int capacity) {
        this(capacity, ThreadLocalRandom.current().nextLong());
    }

    /** A table with a fixed seed, for reproducible tests and benchmarks. */
    public ConnectionTable(int capacity, long seed) {
        if (capacity < 1 || (long) capacity * STRIDE > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("capacity out of range: " + capacity);
        }
        this.capacity = capacity;
        this.seed = seed;
        this.entries = new long[Math.min(capacity, INITIAL_ENTRIES) * STRIDE];
        this.inbound = new HashIndex(capacity);
        this.outbound = new HashIndex(capacity);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /** Inserts refused because the table was full, since construction. */
    public long failedInserts() {
        return failedInserts;
    }

    /**
     * Makes room for persistence-engine data ({@code slots} templates with a Call-ID at once). Call
     * when installing rules that have a {@code --pe} service, not on the packet path: it allocates once.
     */
    public void enablePeData(int slots) {
        if (peData == null) {
            peData = new TemplatePeData(slots, capacity);
        }
    }

    /** The persistence-engine data of templates, or null when no {@code --pe} service was ever installed. */
    public TemplatePeData peData() {
        return peData;
    }

    /** Heap bytes held by this table (entries plus both indexes), for sizing and benchmarks. */
    public long footprintBytes() {
        return (long) entries.length * Long.BYTES + (long) (inbound.cells.length + outbound.cells.length) * Integer.BYTES;
    }

    // ---------------------------------------------------------------- lookups

    /** The entry for a client packet {@code caddr:cport -> vaddr:vport}, or {@link #NOT_FOUND}. */
    public int findInbound(int af, int protocol, long caddrHi, long caddrLo, int cport,
                           long vaddrHi, long vaddrLo, int vport) {
        long word = inboundWord(af, protocol, cport, vport, false);
        return findInboundKey(caddrHi, caddrLo, vaddrHi, vaddrLo, word,
            KeyHash.hash(seed, caddrHi, caddrLo, vaddrHi, vaddrLo, word), null, 0, 0, 0);
    }

    /**
     * The persistence template for {@code <protocol, caddr (already masked), vaddr, vport>}, or
     * {@link #NOT_FOUND}. For a fwmark template pass protocol 0 and the mark as the virtual address
     * (IPv4: {@code lo = mark}; IPv6: {@code hi = mark << 32}), as the kernel stores it.
     */
    public int findTemplate(int af, int protocol, long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, int vport) {
        long word = inboundWord(af, protocol, 0, vport, true);
        return findInboundKey(caddrHi, caddrLo, vaddrHi, vaddrLo, word,
            KeyHash.hash(seed, caddrHi, caddrLo, vaddrHi, vaddrLo, word), null, 0, 0, 0);
    }

    /**
     * {@link #findTemplate} for a service with persistence engine {@code engine}: the template must also
     * hold the bytes {@code [offset, offset + length)} of {@code data} (the kernel's {@code ct_match}).
     * {@code peHash} is {@link TemplatePeData#hash} of those bytes.
     */
    public int findPeTemplate(int af, int protocol, long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, int vport,
                              int engine, DirectBuffer data, int offset, int length, int peHash) {
        if (peData == null) {
            return NOT_FOUND;
        }
        long word = inboundWord(af, protocol, 0, vport, true) | KEY_PE;
        return findInboundKey(caddrHi, caddrLo, vaddrHi, vaddrLo, word,
            peKeyHash(caddrHi, caddrLo, vaddrHi, vaddrLo, word, peHash), data, offset, length, engine);
    }

    /**
     * The entry a reply {@code saddr:sport -> daddr:dport} belongs to, or {@link #NOT_FOUND}: the
     * source is the real server (NAT) or the virtual address (local node), the destination the client.
     */
    public int findOutbound(int af, int protocol, long saddrHi, long saddrLo, int sport,
                            long daddrHi, long daddrLo, int dport) {
        long word = outboundWord(af, protocol, sport, dport);
        long hash = KeyHash.hash(seed, saddrHi, saddrLo, daddrHi, daddrLo, word);
        HashIndex index = outbound;
        int[] cells = index.cells;
        int tag = index.tag(hash);
        for (int i = index.home(hash); ; i = (i + 1) & index.mask) {
            int cell = cells[i];
            if (cell == 0) {
                return NOT_FOUND;
            }
            if (index.tagMatches(cell, tag)) {
                int e = index.entryOf(cell);
                int b = e * STRIDE;
                if (entries[b + W_CADDR_LO] == daddrLo && entries[b + W_CADDR_HI] == daddrHi
                    && replySourceMatches(b, saddrHi, saddrLo, sport)
                    && outboundWordOf(b) == word) {
                    return e;
                }
            }
        }
    }

    /** The inbound lookup; {@code pe} is null except for templates keyed by persistence-engine data. */
    private int findInboundKey(long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, long word, long hash,
                               DirectBuffer pe, int peOffset, int peLength, int peEngine) {
        HashIndex index = inbound;
        int[] cells = index.cells;
        int tag = index.tag(hash);
        for (int i = index.home(hash); ; i = (i + 1) & index.mask) {
            int cell = cells[i];
            if (cell == 0) {
                return NOT_FOUND;
            }
            if (index.tagMatches(cell, tag)) {
                int e = index.entryOf(cell);
                int b = e * STRIDE;
                if (entries[b + W_CADDR_LO] == caddrLo && entries[b + W_CADDR_HI] == caddrHi
                    && entries[b + W_VADDR_LO] == vaddrLo && entries[b + W_VADDR_HI] == vaddrHi
                    && (entries[b + W_KEY] & INBOUND_KEY_MASK) == word
                    && (pe == null || peData.matches(e, peEngine, pe, peOffset, peLength))) {
                    return e;
                }
            }
        }
    }

    private boolean replySourceMatches(int b, long saddrHi, long saddrLo, int sport) {
        long key = entries[b + W_KEY];
        if ((entries[b + W_FLAGS] & ConnectionFlags.FWD_MASK) == ConnectionFlags.MASQ) {
            return entries[b + W_DADDR_LO] == saddrLo && entries[b + W_DADDR_HI] == saddrHi
                && (int) (key >>> 32 & 0xFFFF) == sport;
        }
        return entries[b + W_VADDR_LO] == saddrLo && entries[b + W_VADDR_HI] == saddrHi
            && (int) (key >>> 16 & 0xFFFF) == sport;
    }

    // ---------------------------------------------------------------- insert / remove

    /**
     * Creates an entry and indexes it, or returns {@link #NOT_FOUND} when the table is full.
     * {@code flags} are {@link ConnectionFlags}: the forwarding method plus NOOUTPUT, ONE_PACKET,
     * TEMPLATE, INACTIVE as the caller wants them. ONE_PACKET entries are not indexed (the kernel never
     * hashes them); templates are indexed inbound only, and their {@code cport} should be 0.
     * State, timeout, expiry and links start at 0; {@link ConnectionTracker} sets them.
     */
    public int insert(int af, int protocol, long caddrHi, long caddrLo, int cport,
                      long vaddrHi, long vaddrLo, int vport,
                      int destAf, long daddrHi, long daddrLo, int dport,
                      int flags, int serviceId, int destinationId) {
        int e = allocate();
        if (e == NOT_FOUND) {
            failedInserts++;
            return NOT_FOUND;
        }
        return fill(e, af, protocol, caddrHi, caddrLo, cport, vaddrHi, vaddrLo, vport, destAf, daddrHi, daddrLo,
            dport, flags, serviceId, destinationId, 0);
    }

    /**
     * {@link #insert} of a template keyed by persistence-engine data as well: {@code engine}'s bytes
     * {@code [offset, offset + length)} of {@code data} are copied into a slot of {@link #peData} (which
     * {@link #enablePeData} must have created). {@link #NOT_FOUND} when the table or the slots are full.
     */
    public int insertPeTemplate(int af, int protocol, long caddrHi, long caddrLo,
                                long vaddrHi, long vaddrLo, int vport,
                                int destAf, long daddrHi, long daddrLo, int dport,
                                int flags, int serviceId, int destinationId,
                                int engine, DirectBuffer data, int offset, int length, int peHash) {
        int e = peData == null ? NOT_FOUND : allocate();
        if (e != NOT_FOUND && !peData.attach(e, engine, data, offset, length, peHash)) {
            release(e);
            e = NOT_FOUND;
        }
        if (e == NOT_FOUND) {
            failedInserts++;
            return NOT_FOUND;
        }
        return fill(e, af, protocol, caddrHi, caddrLo, 0, vaddrHi, vaddrLo, vport, destAf, daddrHi, daddrLo,
            dport, flags | ConnectionFlags.TEMPLATE, serviceId, destinationId, KEY_PE);
    }

    private int fill(int e, int af, int protocol, long caddrHi, long caddrLo, int cport,
                     long vaddrHi, long vaddrLo, int vport,
                     int destAf, long daddrHi, long daddrLo, int dport,
                     int flags, int serviceId, int destinationId, long keyBits) {
        boolean template = (flags & ConnectionFlags.TEMPLATE) != 0;
        int b = e * STRIDE;
        entries[b + W_CADDR_HI] = caddrHi;
        entries[b + W_CADDR_LO] = caddrLo;
        entries[b + W_VADDR_HI] = vaddrHi;
        entries[b + W_VADDR_LO] = vaddrLo;
        entries[b + W_DADDR_HI] = daddrHi;
        entries[b + W_DADDR_LO] = daddrLo;
        entries[b + W_KEY] = inboundWord(af, protocol, cport, vport, template)
            | (long) (dport & 0xFFFF) << 32 | (destAf == AF_INET6 ? KEY_DEST_V6 : 0) | keyBits;
        entries[b + W_EXPIRES] = 0;
        entries[b + W_IDS] = (serviceId & 0xFFFFFFFFL) | (long) destinationId << 32;
        entries[b + W_FLAGS] = (flags | ConnectionFlags.IN_USE) & 0xFFFFFFFFL;
        entries[b + W_TIMEOUT] = 0;
        entries[b + W_CONTROL] = 0;
        entries[b + W_LINKS] = links(ExpiryWheel.UNLINKED, ExpiryWheel.UNLINKED);
        size++;
        if ((flags & ConnectionFlags.ONE_PACKET) == 0) {
            inbound.insert(inboundHashOf(e), e);
            if (indexedOutbound(flags)) {
                outbound.insert(outboundHashOf(e), e);
            }
        }
        return e;
    }

    /** Unindexes and frees entry {@code e}. Counters, templates and the wheel are the caller's job. */
    public void remove(int e) {
        int flags = rawFlags(e);
        checkInUse(e, flags);
        if ((flags & ConnectionFlags.ONE_PACKET) == 0) {
            inbound.remove(inboundHashOf(e), e, inboundRehash);
            if (indexedOutbound(flags)) {
                outbound.remove(outboundHashOf(e), e, outboundRehash);
            }
        }
        if (peData != null) {
            peData.detach(e);
        }
        release(e);
        size--;
    }

    /** Puts entry {@code e} on the free list. */
    private void release(int e) {
        int b = e * STRIDE;
        entries[b + W_FLAGS] = 0;
        entries[b + W_LINKS] = freeHead;
        freeHead = e;
    }

    /**
     * Makes a template unfindable without freeing it (ip_vs_check_template): re-keys it with
     * vport = dport = 0xFFFF so it can never match again, and leaves it to expire.
     */
    public void invalidateTemplate(int e) {
        checkInUse(e, rawFlags(e));
        inbound.remove(inboundHashOf(e), e, inboundRehash);
        int b = e * STRIDE;
        entries[b + W_KEY] |= 0xFFFFL << 16 | 0xFFFFL << 32;
        inbound.insert(inboundHashOf(e), e);
    }

    private int allocate() {
        if (freeHead != NOT_FOUND) {
            int e = freeHead;
            freeHead = (int) entries[e * STRIDE + W_LINKS];
            return e;
        }
        if (highWater == allocatedEntries()) {
            if (highWater == capacity) {
                return NOT_FOUND;
            }
            grow();
        }
        return highWater++;
    }

    /** Entries the array holds now (at most {@link #capacity}). */
    public int allocatedEntries() {
        return entries.length / STRIDE;
    }

    /** Doubles the entry array (up to the capacity); entry numbers and both indexes stay as they are. */
    private void grow() {
        int next = (int) Math.min(capacity, 2L * allocatedEntries());
        entries = java.util.Arrays.copyOf(entries, next * STRIDE);
    }

    private static boolean indexedOutbound(int flags) {
        return (flags & ConnectionFlags.TEMPLATE) == 0 && ConnectionFlags.repliesPassDirector(flags);
    }

    private void checkInUse(int e, int flags) {
        if ((flags & ConnectionFlags.IN_USE) == 0) {
            throw new IllegalStateException("entry " + e + " is not in use");
        }
    }

    // ---------------------------------------------------------------- key words and hashes

    private static long inboundWord(int af, int protocol, int cport, int vport, boolean template) {
        return (cport & 0xFFFFL) | (vport & 0xFFFFL) << 16 | (protocol & 0xFFL) << 48
            | (af == AF_INET6 ? KEY_V6 : 0) | (template ? KEY_TEMPLATE : 0);
    }

    private static long outboundWord(int af, int protocol, int sport, int cport) {
        return (cport & 0xFFFFL) | (sport & 0xFFFFL) << 16 | (protocol & 0xFFL) << 48 | (af == AF_INET6 ? KEY_V6 : 0);
    }

    private long outboundWordOf(int b) {
        long key = entries[b + W_KEY];
        boolean nat = (entries[b + W_FLAGS] & ConnectionFlags.FWD_MASK) == ConnectionFlags.MASQ;
        int sport = (int) (nat ? key >>> 32 : key >>> 16) & 0xFFFF;
        return (key & 0xFFFFL) | (long) sport << 16 | (key & (0xFFL << 48 | KEY_V6));
    }

    private long inboundHashOf(int e) {
        int b = e * STRIDE;
        long word = entries[b + W_KEY] & INBOUND_KEY_MASK;
        if ((word & KEY_PE) != 0) {
            return peKeyHash(entries[b + W_CADDR_HI], entries[b + W_CADDR_LO], entries[b + W_VADDR_HI],
                entries[b + W_VADDR_LO], word, peData.hashOf(e));
        }
        return KeyHash.hash(seed, entries[b + W_CADDR_HI], entries[b + W_CADDR_LO],
            entries[b + W_VADDR_HI], entries[b + W_VADDR_LO], word);
    }

    /** A PE template's hash: the key's, with the data's hash in the dport bits (not part of the key). */
    private long peKeyHash(long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, long word, int peHash) {
        return KeyHash.hash(seed, caddrHi, caddrLo, vaddrHi, vaddrLo, word ^ (peHash & 0xFFFFFFFFL) << 32);
    }

    private long outboundHashOf(int e) {
        int b = e * STRIDE;
        boolean nat = (entries[b + W_FLAGS] & ConnectionFlags.FWD_MASK) == ConnectionFlags.MASQ;
        long sHi = entries[b + (nat ? W_DADDR_HI : W_VADDR_HI)];
        long sLo = entries[b + (nat ? W_DADDR_LO : W_VADDR_LO)];
        return KeyHash.hash(seed, sHi, sLo, entries[b + W_CADDR_HI], entries[b + W_CADDR_LO], outboundWordOf(b));
    }

    static long links(int prev, int next) {
        return (prev & 0xFFFFFFFFL) | (long) next << 32;
    }

    // ---------------------------------------------------------------- field access

    /** Whether slot {@code e} holds a live entry (for listings that walk all slots). */
    public boolean isInUse(int e) {
        return e >= 0 && e < highWater && (rawFlags(e) & ConnectionFlags.IN_USE) != 0;
    }

    /** Slots below this have been used at least once; listings need only walk {@code [0, highWater)}. */
    public int highWater() {
        return highWater;
    }

    public int af(int e) {
        return (entries[e * STRIDE + W_KEY] & KEY_V6) != 0 ? AF_INET6 : AF_INET;
    }

    public int destinationAf(int e) {
        return (entries[e * STRIDE + W_KEY] & KEY_DEST_V6) != 0 ? AF_INET6 : AF_INET;
    }

    public int protocol(int e) {
        return (int) (entries[e * STRIDE + W_KEY] >>> 48) & 0xFF;
    }

    public long clientAddressHi(int e) {
        return entries[e * STRIDE + W_CADDR_HI];
    }

    public long clientAddressLo(int e) {
        return entries[e * STRIDE + W_CADDR_LO];
    }

    public int clientPort(int e) {
        return (int) entries[e * STRIDE + W_KEY] & 0xFFFF;
    }

    public long virtualAddressHi(int e) {
        return entries[e * STRIDE + W_VADDR_HI];
    }

    public long virtualAddressLo(int e) {
        return entries[e * STRIDE + W_VADDR_LO];
    }

    public int virtualPort(int e) {
        return (int) (entries[e * STRIDE + W_KEY] >>> 16) & 0xFFFF;
    }

    public long destinationAddressHi(int e) {
        return entries[e * STRIDE + W_DADDR_HI];
    }

    public long destinationAddressLo(int e) {
        return entries[e * STRIDE + W_DADDR_LO];
    }

    public int destinationPort(int e) {
        return (int) (entries[e * STRIDE + W_KEY] >>> 32) & 0xFFFF;
    }

    /** {@link ConnectionFlags} bits (public ones only). */
    public int flags(int e) {
        return rawFlags(e) & ~ConnectionFlags.IN_USE;
    }

    private int rawFlags(int e) {
        return (int) entries[e * STRIDE + W_FLAGS];
    }

    public int forwardingMethod(int e) {
        return flags(e) & ConnectionFlags.FWD_MASK;
    }

    public boolean isTemplate(int e) {
        return (flags(e) & ConnectionFlags.TEMPLATE) != 0;
    }

    public int state(int e) {
        return (int) (entries[e * STRIDE + W_FLAGS] >>> 32) & 0xFF;
    }

    public int serviceId(int e) {
        return (int) entries[e * STRIDE + W_IDS];
    }

    public int destinationId(int e) {
        return (int) (entries[e * STRIDE + W_IDS] >>> 32);
    }

    /** Current idle timeout in ms, reloaded from the state's timeout on every packet. */
    public int timeoutMs(int e) {
        return (int) entries[e * STRIDE + W_TIMEOUT];
    }

    /** Packets seen in the INPUT direction (the kernel's in_pkts, used by sync and drop_entry). */
    public int inPackets(int e) {
        return (int) (entries[e * STRIDE + W_TIMEOUT] >>> 32);
    }

    /** Absolute expiry time in the tracker's clock (ms). */
    public long expiresAtMs(int e) {
        return entries[e * STRIDE + W_EXPIRES];
    }

    /** The template (or other controller) of this entry, or {@link #NOT_FOUND}. */
    public int control(int e) {
        return (int) entries[e * STRIDE + W_CONTROL] - 1;
    }

    /** How many entries this one controls. */
    public int controlledCount(int e) {
        return (int) (entries[e * STRIDE + W_CONTROL] >>> 32);
    }

    // Package-private writers: only the tracker and the wheel change entries after insert.

    void setFlags(int e, int flags) {
        int b = e * STRIDE + W_FLAGS;
        entries[b] = (entries[b] & ~0xFFFFFFFFL) | ((flags | ConnectionFlags.IN_USE) & 0xFFFFFFFFL);
    }

    void setState(int e, int state) {
        int b = e * STRIDE + W_FLAGS;
        entries[b] = (entries[b] & ~(0xFFL << 32)) | (long) (state & 0xFF) << 32;
    }

    void setTimeoutMs(int e, int timeoutMs) {
        int b = e * STRIDE + W_TIMEOUT;
        entries[b] = (entries[b] & ~0xFFFFFFFFL) | (timeoutMs & 0xFFFFFFFFL);
    }

    void incrementInPackets(int e) {
        entries[e * STRIDE + W_TIMEOUT] += 1L << 32;
    }

    void setExpiresAtMs(int e, long expiresAtMs) {
        entries[e * STRIDE + W_EXPIRES] = expiresAtMs;
    }

    void setControl(int e, int controller) {
        int b = e * STRIDE + W_CONTROL;
        entries[b] = (entries[b] & ~0xFFFFFFFFL) | ((controller + 1) & 0xFFFFFFFFL);
    }

    void addControlled(int e, int delta) {
        entries[e * STRIDE + W_CONTROL] += (long) delta << 32;
    }

    long links(int e) {
        return entries[e * STRIDE + W_LINKS];
    }

    void setLinks(int e, long links) {
        entries[e * STRIDE + W_LINKS] = links;
    }
}
