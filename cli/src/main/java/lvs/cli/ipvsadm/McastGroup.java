package lvs.cli.ipvsadm;

import lvs.cli.ipvsadm.values.InetAton;
import lvs.cli.ipvsadm.values.InetPton6;
import lvs.model.InetAddress;

/** {@code --mcast-group}: an IPv6 multicast address if the text has a colon, else a strict IPv4 one in 224/4. */
final class McastGroup {
    private McastGroup() {
    }

    static InetAddress parse(String text, Io io) {
        if (text.indexOf(':') >= 0) {
            byte[] v6 = InetPton6.parse(text);
            if (v6 == null || (v6[0] & 0xff) != 0xff) {
                throw io.fail("invalid IPv6 mcast-group `" + text + "'");
            }
            return InetAddress.of(v6);
        }
        long v4 = InetAton.parseStrict(text);
        if (v4 < 0 || (v4 >>> 28) != 0xe) {
            throw io.fail("invalid IPv4 mcast-group `" + text + "'");
        }
        return InetAddress.ofIpv4((int) v4);
    }
}
