package lvs.cli.ipvsadm.values;

/** glibc's {@code inet_pton(AF_INET6, ...)}, step for step, so that exactly the same strings are accepted. */
public final class InetPton6 {
    private InetPton6() {
    }

    /** The 16 address bytes, or null when glibc would return 0. */
    public static byte[] parse(String src) {
        byte[] tmp = new byte[16];
        int n = src.length();
        int i = 0;
        if (n == 0) {
            return null;
        }
        if (src.charAt(0) == ':') {
            i++;
            if (i == n || src.charAt(i) != ':') {
                return null;
            }
        }
        int tp = 0;
        int colonp = -1;
        int curtok = i;
        int xdigitsSeen = 0;
        int val = 0;
        while (i < n) {
            char ch = src.charAt(i++);
            int digit = ch < 128 ? Character.digit(ch, 16) : -1;
            if (digit >= 0) {
                if (xdigitsSeen == 4) {
                    return null;
                }
                val = (val << 4) | digit;
                xdigitsSeen++;
                continue;
            }
            if (ch == ':') {
                curtok = i;
                if (xdigitsSeen == 0) {
                    if (colonp >= 0) {
                        return null;
                    }
                    colonp = tp;
                    continue;
                } else if (i == n) {
                    return null;
                }
                if (tp + 2 > 16) {
                    return null;
                }
                tmp[tp++] = (byte) (val >> 8);
                tmp[tp++] = (byte) val;
                xdigitsSeen = 0;
                val = 0;
                continue;
            }
            if (ch == '.' && tp + 4 <= 16) {
                long v4 = InetAton.parseStrict(src.substring(curtok));
                if (v4 >= 0) {
                    tmp[tp++] = (byte) (v4 >> 24);
                    tmp[tp++] = (byte) (v4 >> 16);
                    tmp[tp++] = (byte) (v4 >> 8);
                    tmp[tp++] = (byte) v4;
                    xdigitsSeen = 0;
                    break;
                }
            }
            return null;
        }
        if (xdigitsSeen > 0) {
            if (tp + 2 > 16) {
                return null;
            }
            tmp[tp++] = (byte) (val >> 8);
            tmp[tp++] = (byte) val;
        }
        if (colonp >= 0) {
            if (tp == 16) {
                return null;
            }
            int moved = tp - colonp;
            System.arraycopy(tmp, colonp, tmp, 16 - moved, moved);
            for (int k = colonp; k < 16 - moved; k++) {
                tmp[k] = 0;
            }
            tp = 16;
        }
        return tp == 16 ? tmp : null;
    }
}
