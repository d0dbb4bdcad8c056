package lvs.cli.render;

import lvs.model.ForwardingMethod;
import lvs.model.RealServerSpec;
import lvs.model.TunnelType;

/** A tunnel real server's settings, as {@code --tun-info} and {@code -S} show them. */
final class TunnelText {
    private TunnelText() {
    }

    /** {@code n/a}, {@code ipip}, {@code gue:6080:-c}, {@code gre:+c}. */
    static String info(RealServerSpec s) {
        if (s.method() != ForwardingMethod.TUNNEL) {
            return "n/a";
        }
        return switch (s.tunnelType()) {
            case IPIP -> "ipip";
            case GUE -> "gue:" + s.tunnelPort() + ":" + checksumShort(s.tunnelFlags());
            case GRE -> "gre:" + checksumShort(s.tunnelFlags());
        };
    }

    /** What {@code -S} appends after {@code -i -w W}; empty for other methods. */
    static String ruleOptions(RealServerSpec s) {
        if (s.method() != ForwardingMethod.TUNNEL) {
            return "";
        }
        StringBuilder out = new StringBuilder(" --tun-type ").append(s.tunnelType().optionName());
        if (s.tunnelType() == TunnelType.GUE) {
            out.append(" --tun-port ").append(s.tunnelPort());
        }
        if (s.tunnelType() != TunnelType.IPIP) {
            out.append(' ').append(checksumOption(s.tunnelFlags()));
        }
        return out.toString();
    }

    private static String checksumShort(int flags) {
        if ((flags & RealServerSpec.TUNNEL_FLAG_REMCSUM) != 0) {
            return "r+c";
        }
        return (flags & RealServerSpec.TUNNEL_FLAG_CSUM) != 0 ? "+c" : "-c";
    }

    private static String checksumOption(int flags) {
        if ((flags & RealServerSpec.TUNNEL_FLAG_REMCSUM) != 0) {
            return "--tun-remcsum";
        }
        return (flags & RealServerSpec.TUNNEL_FLAG_CSUM) != 0 ? "--tun-csum" : "--tun-nocsum";
    }
}
