package lvs.cli.ipvsadm;

import static org.assertj.core.api.Assertions.assertThat;

import lvs.cli.ipvsadm.values.CNumbers;
import lvs.cli.ipvsadm.values.InetAton;
import lvs.cli.ipvsadm.values.InetPton6;
import org.junit.jupiter.api.Test;

/** The libc parsing rules the goldens rely on, pinned down one case at a time. */
class ValueParsersTest {
    @Test
    void stringToNumberIsStrtolOverTheWholeString() {
        assertThat(CNumbers.stringToNumber(" +80", 0, 65535)).isEqualTo(80);
        assertThat(CNumbers.stringToNumber("-0", 0, 65535)).isZero();
        assertThat(CNumbers.stringToNumber("0x50", 0, 65535)).isEqualTo(CNumbers.INVALID);
        assertThat(CNumbers.stringToNumber("80 ", 0, 65535)).isEqualTo(CNumbers.INVALID);
        assertThat(CNumbers.stringToNumber("", 0, 65535)).isEqualTo(CNumbers.INVALID);
        assertThat(CNumbers.stringToNumber("-", 0, 65535)).isEqualTo(CNumbers.INVALID);
        assertThat(CNumbers.stringToNumber("99999999999999999999", 0, Long.MAX_VALUE)).isEqualTo(CNumbers.INVALID);
        assertThat(CNumbers.stringToNumber("4294967295", 1, 0xffffffffL)).isEqualTo(0xffffffffL);
    }

    @Test
    void inetAtonAcceptsTheOldForms() {
        assertThat(InetAton.parse("10.1")).isEqualTo(0x0a000001L);
        assertThat(InetAton.parse("0x7f.1")).isEqualTo(0x7f000001L);
        assertThat(InetAton.parse("010.1")).isEqualTo(0x08000001L);
        assertThat(InetAton.parse("167772161")).isEqualTo(0x0a000001L);
        assertThat(InetAton.parse("1.2.3.4 trailing")).isEqualTo(0x01020304L);
        assertThat(InetAton.parse("08.1.1.1")).isEqualTo(-1);
        assertThat(InetAton.parse("1.2.3.256")).isEqualTo(-1);
        assertThat(InetAton.parse("1.2.65536")).isEqualTo(-1);
        assertThat(InetAton.parse(" 1.2.3.4")).isEqualTo(-1);
        assertThat(InetAton.parse("4294967296")).isEqualTo(-1);
    }

    @Test
    void inetPton6IsGlibcStrict() {
        assertThat(InetPton6.parse("::")).hasSize(16);
        assertThat(InetPton6.parse("1:2:3:4:5:6:7::")).hasSize(16);
        assertThat(InetPton6.parse("::ffff:1.2.3.4")).endsWith(1, 2, 3, 4);
        assertThat(InetPton6.parse("2001:db8:::1")).isNull();
        assertThat(InetPton6.parse("::1:2:3:4:5:6:7:8")).isNull();
        assertThat(InetPton6.parse("12345::")).isNull();
        assertThat(InetPton6.parse(":1::")).isNull();
        assertThat(InetPton6.parse("1::2:")).isNull();
        assertThat(InetPton6.parse("::1.2.3.04")).isNull();
    }
}
