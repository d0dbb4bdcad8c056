package lvs.cli.render;

import lvs.model.InetAddress;

/** Parses a numeric IPv4 or IPv6 address as it appears in the hosts file; never resolves names. */
final class AddressLiteral {
    private AddressLiteral() {
    }

    /** The address, or null when {@code s} is not a numeric address. */
    static InetAddress parse(String s) {
        if (s.indexOf(':') >= 0) {
            return parseIpv6(s);
        }
        return parseIpv4(s);
    }

    private static InetAddress parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return InetAddress.of(b);
    }

    private static InetAddress parseIpv6(String s) {
        int percent = s.indexOf('%');
        if (percent >= 0) {
            s = s.substring(0, percent); // zone ids name no other address
        }
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            byte[] b = java.net.InetAddress.getByName(s).getAddress(); // a literal: never a lookup
            if (b.length == 4) { // Java folds ::ffff:a.b.c.d to IPv4; keep the mapped form
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return InetAddress.of(mapped);
            }
            return InetAddress.of(b);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
