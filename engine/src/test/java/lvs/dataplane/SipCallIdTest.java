package lvs.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The Call-ID search of the kernel's SIP persistence engine ({@code ct_sip_get_header} with
 * {@code callid_len}, then {@code get_callid}'s checks), rule by rule.
 */
class SipCallIdTest {
    private static final String START = "INVITE sip:bob@198.18.0.11 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.10\r\n";
    /** Bytes in front of the payload, so that offsets are seen to be absolute. */
    private static final int HEADROOM = 42;

    /** The Call-ID found in {@code payload}, or null. */
    private static String callId(String payload) {
        byte[] text = payload.getBytes(StandardCharsets.ISO_8859_1);
        UnsafeBuffer b = new UnsafeBuffer(new byte[HEADROOM + text.length + 8]);
        b.putBytes(HEADROOM, text);
        b.putByte(HEADROOM + text.length, (byte) ':'); // a byte past the payload must not be read as data
        long r = SipCallId.find(b, HEADROOM, HEADROOM + text.length);
        if (r == SipCallId.NONE) {
            return null;
        }
        assertThat(SipCallId.offset(r)).isGreaterThanOrEqualTo(HEADROOM);
        return b.getStringWithoutLengthAscii(SipCallId.offset(r), SipCallId.length(r));
    }

    @Test
    void longAndCompactHeaderNamesInAnyCase() {
        assertThat(callId(START + "Call-ID: a84b4c76e66710@pc33.example.com\r\n\r\n"))
            .isEqualTo("a84b4c76e66710@pc33.example.com");
        assertThat(callId(START + "call-id: abc\r\n\r\n")).isEqualTo("abc");
        assertThat(callId(START + "CALL-ID:abc\r\n\r\n")).isEqualTo("abc");
        assertThat(callId(START + "i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com\r\n\r\n"))
            .isEqualTo("f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com");
        assertThat(callId(START + "I:xyz\n\n")).isEqualTo("xyz");
    }

    @Test
    void whitespaceAndOneContinuationLineAroundTheColon() {
        assertThat(callId(START + "Call-ID \t: \t abc\r\n\r\n")).isEqualTo("abc");
        assertThat(callId(START + "Call-ID:\r\n  abc\r\n\r\n")).isEqualTo("abc");
        assertThat(callId(START + "Call-ID\r\n :abc\r\n\r\n")).isEqualTo("abc");
        // A line break that is not a continuation: the value is missing and the search stops.
        assertThat(callId(START + "Call-ID:\r\nabc\r\nCall-ID: later\r\n\r\n")).isNull();
    }

    @Test
    void lineEndsMayBeCrLfOrCrOrLf() {
        assertThat(callId("INVITE x SIP/2.0\rCall-ID: abc\r\r")).isEqualTo("abc");
        assertThat(callId("INVITE x SIP/2.0\nCall-ID: abc\n\n")).isEqualTo("abc");
    }

    @Test
    void onlyAtTheStartOfALineNeverOnTheFirstNorOnAContinuation() {
        assertThat(callId("Call-ID: abc\r\n\r\n")).isNull();
        assertThat(callId(START + "Subject: x\r\n Call-ID: abc\r\n\r\n")).isNull();
        assertThat(callId(START + "X-Call-ID: abc\r\nCall-ID: def\r\n\r\n")).isEqualTo("def");
    }

    @Test
    void compactNameMustBeFollowedByANonLetterButTheLongNameNeedNot() {
        assertThat(callId(START + "Identity: x\r\ni: abc\r\n\r\n")).isEqualTo("abc");
        // 'i' then '-' is the compact name; no colon follows, which ends the search for good.
        assertThat(callId(START + "i-foo: x\r\ni: abc\r\n\r\n")).isNull();
        // The kernel's isalpha counts Latin-1 letters: "i\u00e9" is not the compact name.
        assertThat(callId(START + "i\u00e9: x\r\ni: abc\r\n\r\n")).isEqualTo("abc");
        // "Call-IDs" is the long name followed by 's', not a colon: the search ends.
        assertThat(callId(START + "Call-IDs: x\r\nCall-ID: abc\r\n\r\n")).isNull();
    }

    @Test
    void theValueIsWordCharactersWithAtMostOneAt() {
        assertThat(callId(START + "Call-ID: <a!b%c*d+e-f.g/h:i?j[k]l_m`n{o}p~q'r\">@host\r\n\r\n"))
            .isEqualTo("<a!b%c*d+e-f.g/h:i?j[k]l_m`n{o}p~q'r\">@host");
        // It ends at the first non-word character, which must then be the line end.
        assertThat(callId(START + "Call-ID: abc;tag\r\n\r\n")).isNull();
        assertThat(callId(START + "Call-ID: abc def\r\n\r\n")).isNull();
        assertThat(callId(START + "Call-ID: a@b@c\r\n\r\n")).isNull();
    }

    @Test
    void anEmptyValueMakesTheSearchGoOnFurtherInThePayload() {
        // "@host" has no word before the '@': an empty value, so the next Call-ID header is looked for.
        assertThat(callId(START + "Call-ID: @host\r\nCall-ID: abc\r\n\r\n")).isEqualTo("abc");
        // "abc@" has an empty domain: the same.
        assertThat(callId(START + "Call-ID: abc@\r\ni: def\r\n\r\n")).isEqualTo("def");
    }

    @Test
    void afterAnEmptyValueTheKernelSkipsAheadByTheValuesOffsetAgain() {
        // get_callid adds *matchoff (an offset from the payload's start) to its own start offset: after
        // the empty value at offset v1 the search resumes at v1, and after the next one at v1 + v2.
        String payload = START + "Call-ID: @x\r\nCall-ID: @y\r\nCall-ID: found\r\n\r\n";
        int v1 = payload.indexOf("@x");
        int v2 = payload.indexOf("@y");
        assertThat(v1 + v2).isGreaterThan(payload.indexOf("Call-ID: found")); // so the third is skipped
        assertThat(callId(payload)).isNull();
        // With the third header beyond v1 + v2 it is found.
        String near = "I x SIP/2.0\r\nCall-ID: @x\r\nCall-ID: @y\r\n" + "X".repeat(60) + "\r\nCall-ID: found\r\n\r\n";
        assertThat(callId(near)).isEqualTo("found");
    }

    @Test
    void valueLengthIsLimitedTo255Bytes() {
        String max = "a".repeat(SipCallId.MAX_LENGTH);
        assertThat(callId(START + "Call-ID: " + max + "\r\n\r\n")).isEqualTo(max);
        assertThat(callId(START + "Call-ID: " + max + "b\r\n\r\n")).isNull();
    }

    @Test
    void theValueMustBeFollowedByALineEndWithinThePayload() {
        assertThat(callId(START + "Call-ID: abc")).isNull();
        assertThat(callId(START + "Call-ID: abc\n")).isEqualTo("abc");
        assertThat(callId(START + "Call-ID:")).isNull();
        assertThat(callId(START + "Call-ID")).isNull();
        assertThat(callId(START + "i")).isNull();
    }

    @Test
    void noHeaderOrNoPayloadIsNone() {
        assertThat(callId(START + "CSeq: 1 INVITE\r\n\r\n")).isNull();
        assertThat(callId("")).isNull();
    }
}
