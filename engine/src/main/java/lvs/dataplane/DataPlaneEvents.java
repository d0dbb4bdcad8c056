package lvs.dataplane;

import java.util.concurrent.atomic.AtomicLongArray;
import lvs.packet.ParseVerdict;

/**
 * Why packets were dropped or what the data plane did besides forwarding, one counter each; written
 * by the data-plane thread, read for logs and tests. Indexes are constants so counting is an array add.
 */
public final class DataPlaneEvents {
    public static final int FORWARDED_TO_REAL_SERVER = 0;
    public static final int FORWARDED_TO_CLIENT = 1;
    public static final int DROPPED_TTL_EXPIRED = 2;
    public static final int DROPPED_NO_NEIGHBOUR = 3;
    public static final int DROPPED_NO_ROUTE = 4;
    public static final int DROPPED_UNMATCHED_REPLY = 5;
    public static final int DROPPED_NO_DESTINATION = 6;
    public static final int DROPPED_TABLE_FULL = 7;
    /** A frame addressed to the director that does not parse; by reason in {@link #malformed(int)}. */
    public static final int DROPPED_MALFORMED = 8;
    public static final int DROPPED_TX_FAILED = 9;
    public static final int ARP_REQUESTS_SENT = 10;
    public static final int ARP_REPLIES_SENT = 11;
    public static final int CONNECTIONS_CREATED = 12;
    public static final int CONNECTIONS_EXPIRED = 13;
    public static final int DROPPED_UNSUPPORTED = 14;
    /** TUN: a packet too big for the tunnel with DF set was answered with ICMP fragmentation needed. */
    public static final int ICMP_FRAG_NEEDED_SENT = 15;
    /** A frame whose handling threw an unexpected exception (a bug): dropped, the agent goes on. */
    public static final int DROPPED_INTERNAL_ERROR = 16;
    /** A snapshot whose install threw: the agent keeps forwarding with the last good one. */
    public static final int SNAPSHOT_INSTALL_FAILED = 17;
    /** TTL / hop limit ≤ 1: ICMP time exceeded (ICMPv6 type 3) went back to the sender (within the rate limit). */
    public static final int ICMP_TIME_EXCEEDED_SENT = 18;
    /** An IPv6 packet larger than the egress MTU: dropped, answered with ICMPv6 packet too big. */
    public static final int ICMP_PACKET_TOO_BIG_SENT = 19;
    /** A new packet for a {@code --pe sip} service that is not UDP or has no usable Call-ID (the kernel drops it). */
    public static final int DROPPED_NO_PE_DATA = 20;
    /**
     * An ICMP error about a connection whose ICMP checksum does not verify (and that no offload metadata
     * vouches for): the kernel's ip_vs_in_icmp leaves it to the local stack, which drops it.
     */
    public static final int DROPPED_BAD_ICMP_CHECKSUM = 21;
    public static final int COUNT = 22;

    private static final String[] NAMES = {
        "forwarded_to_real_server", "forwarded_to_client", "dropped_ttl_expired", "dropped_no_neighbour",
        "dropped_no_route", "dropped_unmatched_reply", "dropped_no_destination", "dropped_table_full",
        "dropped_malformed", "dropped_tx_failed", "arp_requests_sent", "arp_replies_sent",
        "connections_created", "connections_expired", "dropped_unsupported", "icmp_frag_needed_sent",
        "dropped_internal_error", "snapshot_install_failed", "icmp_time_exceeded_sent", "icmp_packet_too_big_sent",
        "dropped_no_pe_data", "dropped_bad_icmp_checksum",
    };

    private final AtomicLongArray counts = new AtomicLongArray(COUNT);
    /** {@link #DROPPED_MALFORMED} split by {@link ParseVerdict}. */
    private final AtomicLongArray malformed = new AtomicLongArray(ParseVerdict.COUNT);

    void count(int event) {
        counts.setRelease(event, counts.getPlain(event) + 1);
    }

    /** A malformed frame dropped for {@code verdict} (one of {@link ParseVerdict#isMalformed}'s). */
    void countMalformed(int verdict) {
        count(DROPPED_MALFORMED);
        malformed.setRelease(verdict, malformed.getPlain(verdict) + 1);
    }

    public long get(int event) {
        return counts.getAcquire(event);
    }

    /** Malformed frames dropped for {@code verdict} (a {@link ParseVerdict}). */
    public long malformed(int verdict) {
        return malformed.getAcquire(verdict);
    }

    public static String name(int event) {
        return NAMES[event];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            if (get(i) != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(NAMES[i]).append('=').append(get(i));
                if (i == DROPPED_MALFORMED) {
                    appendMalformedByReason(sb);
                }
            }
        }
        return sb.toString();
    }

    /** " (bad_ihl=2 fragment=1)": the non-zero reasons. */
    private void appendMalformedByReason(StringBuilder sb) {
        boolean any = false;
        for (int v = 0; v < ParseVerdict.COUNT; v++) {
            if (malformed(v) != 0) {
                sb.append(any ? " " : " (").append(ParseVerdict.name(v)).append('=').append(malformed(v));
                any = true;
            }
        }
        if (any) {
            sb.append(')');
        }
    }
}
