package lvs.cli.ipvsadm.values;

/**
 * glibc's {@code inet_aton}: the old numeric forms {@code a}, {@code a.b}, {@code a.b.c}, {@code a.b.c.d},
 * each part decimal, octal ({@code 0}-prefixed) or hex ({@code 0x}); the last part fills the remaining
 * bytes. Trailing text after whitespace is ignored, as glibc does.
 */
public final class InetAton {
    private static final long[] MAX_LAST_PART = {0xffffffffL, 0xffffffL, 0xffffL, 0xffL};

    private InetAton() {
    }

    /** The address as a host-order 32-bit value, or -1 when glibc would return 0. */
    public static long parse(String s) {
        long result = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        long val;
        while (true) {
            if (i >= n || !isDigit(s.charAt(i))) {
                return -1;
            }
            int base = 10;
            int start = i;
            if (s.charAt(i) == '0') {
                if (i + 1 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && i + 2 < n && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    base = 16;
                    i += 2;
                    start = i;
                } else {
                    base = 8;
                }
            }
            val = 0;
            while (i < n && Character.digit(s.charAt(i), base) >= 0 && s.charAt(i) < 128) {
                val = val * base + Character.digit(s.charAt(i), base);
                if (val > 0xffffffffL) {
                    return -1;
                }
                i++;
            }
            if (i == start && base != 8) {
                return -1;
            }
            if (i < n && s.charAt(i) == '.') {
                if (parts > 2 || val > 0xff) {
                    return -1;
                }
                result |= val << (24 - 8 * parts);
                parts++;
                i++;
            } else {
                break;
            }
        }
        if (i < n && !CNumbers.isSpace(s.charAt(i))) {
            return -1;
        }
        if (val > MAX_LAST_PART[parts]) {
            return -1;
        }
        return result | val;
    }

    /** Strict dotted quad ({@code inet_pton(AF_INET)}): four decimal parts 0..255, no leading zeros. */
    public static long parseStrict(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long result = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return -1;
            }
            int v = 0;
            for (char c : p.toCharArray()) {
                if (!isDigit(c)) {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return -1;
            }
            result = (result << 8) | v;
        }
        return result;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
