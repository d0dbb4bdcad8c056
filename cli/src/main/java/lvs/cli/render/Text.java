package lvs.cli.render;

/** The printf field widths ipvsadm uses ({@code %-28s}, {@code %8s}); a longer value is never cut. */
final class Text {
    private Text() {
    }

    /** {@code %-Ns}. */
    static StringBuilder padRight(StringBuilder out, String s, int width) {
        out.append(s);
        for (int i = s.length(); i < width; i++) {
            out.append(' ');
        }
        return out;
    }

    /** {@code %Ns}. */
    static StringBuilder padLeft(StringBuilder out, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            out.append(' ');
        }
        return out.append(s);
    }

    /** {@code %u} of a 32-bit value. */
    static String unsigned32(long v) {
        return Long.toString(v & 0xffffffffL);
    }

    /** C's {@code buf[n] = 0}: at most n characters. */
    static String cut(String s, int n) {
        return s.length() > n ? s.substring(0, n) : s;
    }
}
