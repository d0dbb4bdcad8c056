package lvs.persist;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import lvs.model.InetAddress;

/** Token spelling for the state file: numbers, enum names, addresses and escaped free-form words. */
final class Tokens {
    private Tokens() {
    }

    /**
     * A free-form name (scheduler, persistence engine, interface) as one token: bytes outside
     * {@code [A-Za-z0-9._+-]} become %XX; the empty string is "-" (and a literal "-" is %2D).
     */
    static String word(String s) {
        if (s.isEmpty()) {
            return "-";
        }
        if (s.equals("-")) {
            return "%2D";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '+' || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }

    static String unword(String t) {
        if (t.equals("-")) {
            return "";
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty field");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '%') {
                if (i + 2 >= t.length()) {
                    throw new IllegalArgumentException("bad escape in \"" + t + "\"");
                }
                out.write(Integer.parseInt(t.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** IPv4 dotted quad, or IPv6 as eight uncompressed hex groups (trivial to parse back exactly). */
    static String address(InetAddress a) {
        if (!a.isIpv6()) {
            return a.toString();
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString((a.byteAt(2 * i) << 8) | a.byteAt(2 * i + 1)));
        }
        return sb.toString();
    }

    static InetAddress parseAddress(String t) {
        boolean v6 = t.indexOf(':') >= 0;
        String[] parts = t.split(v6 ? ":" : "\\.", -1);
        byte[] b = new byte[v6 ? 16 : 4];
        if (parts.length != (v6 ? 8 : 4)) {
            throw new IllegalArgumentException("bad address \"" + t + "\"");
        }
        for (int i = 0; i < parts.length; i++) {
            int max = v6 ? 0xffff : 0xff;
            int v;
            try {
                if (parts[i].isEmpty() || parts[i].length() > 4 || parts[i].startsWith("+")) {
                    throw new NumberFormatException();
                }
                v = Integer.parseInt(parts[i], v6 ? 16 : 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad address \"" + t + "\"");
            }
            if (v < 0 || v > max) {
                throw new IllegalArgumentException("bad address \"" + t + "\"");
            }
            if (v6) {
                b[2 * i] = (byte) (v >>> 8);
                b[2 * i + 1] = (byte) v;
            } else {
                b[i] = (byte) v;
            }
        }
        return InetAddress.of(b);
    }

    static int nonNegInt(String t) {
        long v = nonNegLong(t);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("number out of range: " + t);
        }
        return (int) v;
    }

    static long nonNegLong(String t) {
        if (t.isEmpty() || t.length() > 19 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad number \"" + t + "\"");
        }
        return Long.parseLong(t);
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String t) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " \"" + t + "\"");
    }
}
