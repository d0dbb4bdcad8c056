package lvs.dataplane;

import org.agrona.DirectBuffer;

/**
 * Finds the SIP Call-ID in a UDP payload, in place, as the kernel's SIP persistence engine does
 * ({@code ip_vs_pe_sip.c: get_callid} over {@code nf_conntrack_sip.c: ct_sip_get_header} with the
 * {@code Call-Id}/{@code i} header and {@code callid_len}), quirks included:
 *
 * <ul>
 *   <li>A header is only looked for at the start of a line (after CR, LF or CRLF), so never on the
 *       first line; lines starting with a space or tab are continuations and are skipped.</li>
 *   <li>The name is {@code Call-Id} or the compact {@code i}, compared without case; the compact form
 *       must be followed by a non-letter (the kernel's Latin-1 {@code isalpha}). {@code Call-Id} needs
 *       no such check.</li>
 *   <li>Whitespace (spaces, tabs, one continuation line break) may surround the colon. A matched name
 *       without a colon after it ends the search: no Call-ID.</li>
 *   <li>The value is a run of "word" characters, optionally {@code @} and another run (the kernel's
 *       {@code iswordc}). An empty value makes the search go on from further in the payload (the
 *       kernel adds the value's offset to its start offset, an offset from the payload's start, so it
 *       skips ahead that far again; reproduced).</li>
 *   <li>The value must be at most 255 bytes ({@code IP_VS_PEDATA_MAXLEN}) and be followed by CR or
 *       LF; otherwise there is no Call-ID (the kernel does not look for another).</li>
 * </ul>
 *
 * Data-plane thread; no allocation: the result is the value's position in the buffer.
 */
final class SipCallId {
    /** No usable Call-ID (the kernel's {@code -EINVAL} from {@code fill_param}). */
    static final long NONE = -1L;
    /** {@code IP_VS_PEDATA_MAXLEN}. */
    static final int MAX_LENGTH = 255;

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final byte[] NAME = {'c', 'a', 'l', 'l', '-', 'i', 'd'};
    /** {@link #header} found nothing. */
    private static final long NOT_FOUND = -1L;

    private SipCallId() {
    }

    /**
     * The Call-ID of the payload {@code [start, end)} of {@code buffer}: {@code offset << 32 | length}
     * with the offset absolute in the buffer, or {@link #NONE}.
     */
    static long find(DirectBuffer buffer, int start, int end) {
        int datalen = end - start;
        if (datalen <= 0) {
            return NONE;
        }
        long found;
        int dataoff = 0;
        while (true) {
            found = header(buffer, start, end, dataoff);
            if (found >= 0) {
                break;
            }
            if (found == NOT_FOUND) {
                return NONE;
            }
            dataoff += (int) (-found - 2); // an empty value: on from "dataoff + its offset"
        }
        int matchoff = (int) (found >>> 32);
        int matchlen = (int) found;
        if (matchlen > MAX_LENGTH || matchoff + matchlen == datalen) {
            return NONE;
        }
        int after = byteAt(buffer, start + matchoff + matchlen);
        if (after != CR && after != LF) {
            return NONE;
        }
        return (long) (start + matchoff) << 32 | matchlen;
    }

    /** Offset of a {@link #find} result. */
    static int offset(long callId) {
        return (int) (callId >>> 32);
    }

    /** Length of a {@link #find} result. */
    static int length(long callId) {
        return (int) callId;
    }

    /**
     * {@code ct_sip_get_header} for Call-ID from payload offset {@code dataoff}: {@code matchoff << 32
     * | matchlen} (offsets from {@code start}), {@link #NOT_FOUND}, or {@code -(matchoff + 2)} for a
     * header whose value is empty (the kernel's {@code -1} with {@code *matchoff} set).
     */
    private static long header(DirectBuffer b, int start, int limit, int dataoff) {
        for (int p = start + dataoff; p < limit; p++) {
            int c = byteAt(b, p);
            if (c != CR && c != LF) {
                continue;
            }
            if (++p >= limit) {
                break;
            }
            if (byteAt(b, p - 1) == CR && byteAt(b, p) == LF) {
                if (++p >= limit) {
                    break;
                }
            }
            c = byteAt(b, p);
            if (c == ' ' || c == '\t') {
                continue; // a continuation line
            }
            if (limit - p >= NAME.length && nameAt(b, p)) {
                p += NAME.length;
            } else if (limit - p >= 2 && (c | 0x20) == 'i' && !isAlpha(byteAt(b, p + 1))) {
                p += 1;
            } else {
                continue;
            }
            p = skipWhitespace(b, p, limit);
            // At the limit the kernel reads one byte past the data; whatever it is, the search ends.
            if (p < 0 || p >= limit || byteAt(b, p) != ':' || ++p >= limit) {
                break;
            }
            p = skipWhitespace(b, p, limit);
            if (p < 0) {
                break;
            }
            int matchoff = p - start;
            int matchlen = callIdLength(b, p, limit);
            if (matchlen == 0) {
                return -(matchoff + 2L);
            }
            return (long) matchoff << 32 | matchlen;
        }
        return NOT_FOUND;
    }

    private static boolean nameAt(DirectBuffer b, int p) {
        for (int i = 0; i < NAME.length; i++) {
            int c = byteAt(b, p + i);
            // Only ASCII letters fold to the name's letters (the kernel's tolower maps Latin-1 to Latin-1).
            if (c != NAME[i] && !(c >= 'A' && c <= 'Z' && (c | 0x20) == NAME[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code sip_skip_whitespace}: the first non-blank position, or -1 where the kernel gives NULL. */
    private static int skipWhitespace(DirectBuffer b, int p, int limit) {
        for (; p < limit; p++) {
            int c = byteAt(b, p);
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c != CR && c != LF) {
                break;
            }
            return followContinuation(b, p, limit);
        }
        return p;
    }

    /** {@code sip_follow_continuation}: past a line break into a continuation line's text, or -1. */
    private static int followContinuation(DirectBuffer b, int p, int limit) {
        if (++p >= limit) {
            return -1;
        }
        if (byteAt(b, p - 1) == CR && byteAt(b, p) == LF) {
            if (++p >= limit) {
                return -1;
            }
        }
        int c = byteAt(b, p);
        if (c != ' ' && c != '\t') {
            return -1;
        }
        for (; p < limit; p++) {
            c = byteAt(b, p);
            if (c != ' ' && c != '\t') {
                break;
            }
        }
        return p;
    }

    /** {@code callid_len}: word, or word {@code @} word; 0 when the part after {@code @} is empty. */
    private static int callIdLength(DirectBuffer b, int p, int limit) {
        int len = wordLength(b, p, limit);
        int q = p + len;
        if (len == 0 || q == limit || byteAt(b, q) != '@') {
            return len;
        }
        int domain = wordLength(b, q + 1, limit);
        return domain == 0 ? 0 : len + 1 + domain;
    }

    private static int wordLength(DirectBuffer b, int p, int limit) {
        int len = 0;
        while (p + len < limit && isWordChar(byteAt(b, p + len))) {
            len++;
        }
        return len;
    }

    /** The kernel's {@code iswordc}. */
    static boolean isWordChar(int c) {
        return isAlnum(c) || c == '!' || c == '"' || c == '%' || (c >= '(' && c <= '+') || c == ':'
            || c == '<' || c == '>' || c == '?' || (c >= '[' && c <= ']') || c == '_' || c == '`'
            || c == '{' || c == '}' || c == '~' || (c >= '-' && c <= '/') || c == '\'';
    }

    /** The kernel's {@code isalpha} ({@code lib/ctype.c}): ASCII and Latin-1 letters (not 0xD7, 0xF7). */
    static boolean isAlpha(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || (c >= '0' && c <= '9');
    }

    private static int byteAt(DirectBuffer b, int index) {
        return b.getByte(index) & 0xFF;
    }
}
