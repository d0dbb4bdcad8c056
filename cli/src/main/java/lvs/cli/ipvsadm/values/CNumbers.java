package lvs.cli.ipvsadm.values;

/** C library number parsing as ipvsadm relies on it: {@code strtol} base 10 and {@code atoi}. */
public final class CNumbers {
    /** Returned when a string is not a number in range (ipvsadm's own convention). */
    public static final long INVALID = Long.MIN_VALUE;

    private CNumbers() {
    }

    /**
     * ipvsadm's {@code string_to_number}: {@code strtol(s, &end, 10)} must consume the whole string,
     * parse at least one digit, not overflow, and land in [min, max]. Leading whitespace and a sign
     * are therefore fine; {@code 0x50} and {@code 80abc} are not.
     */
    public static long stringToNumber(String s, long min, long max) {
        Strtol r = strtol(s);
        if (r == null || r.end != s.length() || r.overflow || r.value < min || r.value > max) {
            return INVALID;
        }
        return r.value;
    }

    /** {@code atoi}: like strtol but stops quietly at the first non-digit; 0 when nothing parses. */
    public static int atoi(String s) {
        Strtol r = strtol(s);
        return r == null ? 0 : (int) r.value;
    }

    /** C's {@code isspace} in the C locale. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private record Strtol(long value, int end, boolean overflow) {
    }

    /** {@code strtol(s, &end, 10)} on a 64-bit long; null when no digit was parsed (end == s). */
    private static Strtol strtol(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long value = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (!overflow) {
                // accumulate negatively so that Long.MIN_VALUE is representable
                if (value < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 - d;
                }
            }
            i++;
        }
        if (i == start) {
            return null;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                overflow = true;
            }
            value = -value;
        }
        if (overflow) {
            value = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return new Strtol(value, i, overflow);
    }
}
