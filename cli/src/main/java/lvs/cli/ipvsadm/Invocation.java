package lvs.cli.ipvsadm;

import java.util.EnumSet;
import java.util.Set;
import lvs.model.AddressFamily;
import lvs.model.ForwardingMethod;
import lvs.model.InetAddress;
import lvs.model.SyncDaemonSpec;
import lvs.model.TunnelType;

/**
 * One command line as ipvsadm's {@code struct ipvs_command_entry} holds it while it is read and checked:
 * the command, the option bits given, the service, the real server, daemon and timeout values. Defaults
 * are ipvsadm's (weight 1, DR, ipip tunnel, /32 mask); every {@code -R} line starts from a fresh one.
 */
final class Invocation {
    Command command;
    final Set<OptionBit> options = EnumSet.noneOf(OptionBit.class);
    final ServiceDraft service = new ServiceDraft();

    AddressFamily serverFamily = AddressFamily.INET;
    InetAddress serverAddress = InetAddress.any(AddressFamily.INET);
    int serverPort;
    ForwardingMethod method = ForwardingMethod.ROUTE;
    long weight = 1;
    long upperThreshold;
    long lowerThreshold;
    TunnelType tunnelType = TunnelType.IPIP;
    int tunnelPort;
    int tunnelFlags;

    SyncDaemonSpec.State daemonState;
    String mcastInterface = "";
    int syncId;
    int syncMaxLength;
    InetAddress mcastGroup;
    int mcastPort;
    int mcastTtl;

    int tcpTimeout;
    int tcpFinTimeout;
    int udpTimeout;

    /** {@code -b}'s text, null when not given; parsed after every option against the final {@code -s}. */
    String schedFlags;

    boolean has(OptionBit bit) {
        return options.contains(bit);
    }
}
