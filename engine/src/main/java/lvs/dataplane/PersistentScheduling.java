package lvs.dataplane;

import lvs.conn.ConnectionTable;
import lvs.conn.ConnectionTracker;
import lvs.conn.TemplatePeData;
import lvs.packet.FlowKey;
import lvs.snapshot.ServiceScheduler;
import lvs.snapshot.TableSnapshot;
import org.agrona.DirectBuffer;

/**
 * A new connection to a persistent service ({@code -p}): the kernel's {@code ip_vs_sched_persist}.
 *
 * <ol>
 *   <li>The template key is {@code <protocol, client address & -M, cport 0, vaddr, vport>}; vport is the
 *       service port when the packet's port is the service's (and it is not FTP's 21), else 0 (port-0
 *       and FTP services); a fwmark service keys on {@code <IPPROTO_IP, mark as the address, 0>}, so one
 *       template covers every protocol and port that carries the mark.</li>
 *   <li>A template whose real server is gone from the service is made unfindable and left to expire; a
 *       valid one gives its real server and the scheduler is not asked (weights, OVERLOAD and weight 0
 *       do not move a client that has one).</li>
 *   <li>Otherwise the scheduler picks, and a template is created that lives the service's timeout.</li>
 *   <li>With {@code --pe sip} the template key also holds the SIP Call-ID of the datagram
 *       ({@code ip_vs_sip_fill_param}; {@link SipCallId}), so each call of a client has a template of its
 *       own and every datagram of a call (from any source port) goes where its first one went. A
 *       packet that is not UDP or has no usable Call-ID is dropped and counted, as the kernel drops
 *       it (NF_DROP, no ICMP): there is no fallback to plain persistence.</li>
 *   <li>The connection keeps the client's destination port unless it is the service port and the real
 *       server has a port (so port-0 and fwmark services forward to the port the client asked for); it
 *       is controlled by the template, and the template's timer restarts (only new connections refresh
 *       a template; see {@link ConnectionTracker#touch}).</li>
 * </ol>
 *
 * Data-plane thread only; no allocation.
 */
final class PersistentScheduling {
    private static final int IPPROTO_IP = 0;
    /** FTP control: its data connections share the control connection's template (vport 0). */
    private static final int FTP_PORT = 21;
    private static final int UDP = 17;
    /**
     * Templates that can hold a Call-ID at once (a slot of {@link TemplatePeData#MAX_LENGTH} bytes each,
     * taken on the first install of a {@code --pe} service; at most the connection table's size).
     */
    static final int PE_SLOTS = Integer.getInteger("lvsd.peTemplates", 65_536);

    private final ConnectionTracker connections;
    private final DataPlaneEvents events;

    PersistentScheduling(ConnectionTracker connections, DataPlaneEvents events) {
        this.connections = connections;
        this.events = events;
    }

    /** A new snapshot (data-plane thread): the first one with a {@code --pe} service makes room for its data. */
    void install(TableSnapshot s) {
        for (int i = 0; i < s.serviceCount; i++) {
            if (s.servicePersistenceEngine[i] != TemplatePeData.NONE) {
                ConnectionTable table = connections.table();
                table.enablePeData(Math.min(PE_SLOTS, table.capacity()));
                return;
            }
        }
    }

    /**
     * Opens the connection for {@code flow}'s first packet to persistent service {@code service}, or
     * returns {@link ConnectionTable#NOT_FOUND} (counted) when no real server can take it or the table is
     * full. Either family: the real server's address comes from the snapshot's (hi, lo) arrays.
     *
     * @param frame        the packet ({@code flow} holds its offsets), for the persistence engine
     * @param fwmark       the service's firewall mark, 0 for an address/port service
     * @param onePacket    {@link lvs.conn.ConnectionFlags#ONE_PACKET} for an OPS service, else 0
     */
    int schedule(TableSnapshot s, int service, FlowKey flow, DirectBuffer frame, int fwmark, int onePacket,
                 long nowMs) {
        ConnectionTable table = connections.table();
        int af = flow.family();
        int dport = flow.dstPort();
        int servicePort = s.servicePort[service];
        boolean servicePortAsked = dport == servicePort;
        long netmask = s.serviceNetmask[service];
        long snetHi = maskedHi(af, flow.srcHi(), netmask);
        long snetLo = maskedLo(af, flow.srcLo(), netmask);
        int templateProtocol = flow.protocol();
        long templateVaddrHi = flow.dstHi();
        long templateVaddrLo = flow.dstLo();
        int templateVport = servicePortAsked && servicePort != FTP_PORT ? dport : 0;
        if (!servicePortAsked && fwmark != 0) {
            templateProtocol = IPPROTO_IP;
            templateVaddrHi = af == FlowKey.FAMILY_INET6 ? (fwmark & 0xffffffffL) << 32 : 0;
            templateVaddrLo = af == FlowKey.FAMILY_INET6 ? 0 : fwmark & 0xffffffffL;
        }

        // ip_vs_conn_fill_param_persist: the engine's data joins the key, or the packet is dropped.
        int engine = s.servicePersistenceEngine[service];
        int peOffset = 0;
        int peLength = 0;
        int peHash = 0;
        if (engine == TemplatePeData.SIP) {
            long callId = flow.protocol() == UDP ? SipCallId.find(frame, flow.payloadOffset(), flow.packetEnd())
                : SipCallId.NONE;
            if (callId == SipCallId.NONE) {
                events.count(DataPlaneEvents.DROPPED_NO_PE_DATA);
                return ConnectionTable.NOT_FOUND;
            }
            peOffset = SipCallId.offset(callId);
            peLength = SipCallId.length(callId);
            peHash = TemplatePeData.hash(frame, peOffset, peLength);
        }

        int destAf = s.serviceFamily[service];
        int d = ServiceScheduler.NONE;
        int template = engine == TemplatePeData.NONE
            ? table.findTemplate(af, templateProtocol, snetHi, snetLo, templateVaddrHi, templateVaddrLo, templateVport)
            : table.findPeTemplate(af, templateProtocol, snetHi, snetLo, templateVaddrHi, templateVaddrLo,
                templateVport, engine, frame, peOffset, peLength, peHash);
        if (template != ConnectionTable.NOT_FOUND) {
            d = s.destinationForSlot(table.destinationId(template));
            if (d < 0 || s.destinationService[d] != service) {
                // ip_vs_check_template: the real server was deleted. Never match it again; it expires.
                table.invalidateTemplate(template);
                template = ConnectionTable.NOT_FOUND;
                d = ServiceScheduler.NONE;
            }
        }
        if (template == ConnectionTable.NOT_FOUND) {
            ServiceScheduler scheduler = s.scheduler[service];
            d = scheduler == null ? ServiceScheduler.NONE : scheduler.pick(s, service, flow, connections.destinations());
            if (d == ServiceScheduler.NONE) {
                events.count(DataPlaneEvents.DROPPED_NO_DESTINATION);
                return ConnectionTable.NOT_FOUND;
            }
            int templateDport = servicePortAsked && servicePort != FTP_PORT ? s.destinationPort[d] : 0;
            template = engine == TemplatePeData.NONE
                ? connections.openTemplate(af, templateProtocol, snetHi, snetLo, templateVaddrHi,
                    templateVaddrLo, templateVport, destAf, s.destinationAddressHi[d], s.destinationAddressLo[d],
                    templateDport, s.destinationMethod[d], s.serviceCounterSlot[service],
                    s.destinationCounterSlot[d], s.servicePersistenceTimeoutMs(service), nowMs)
                : connections.openPeTemplate(af, templateProtocol, snetHi, snetLo, templateVaddrHi,
                    templateVaddrLo, templateVport, destAf, s.destinationAddressHi[d], s.destinationAddressLo[d],
                    templateDport, s.destinationMethod[d], s.serviceCounterSlot[service],
                    s.destinationCounterSlot[d], s.servicePersistenceTimeoutMs(service), nowMs,
                    engine, frame, peOffset, peLength, peHash);
            if (template == ConnectionTable.NOT_FOUND) {
                events.count(DataPlaneEvents.DROPPED_TABLE_FULL);
                return ConnectionTable.NOT_FOUND;
            }
        }

        int realPort = servicePortAsked && s.destinationPort[d] != 0 ? s.destinationPort[d] : dport;
        int e = connections.open(af, flow.protocol(), flow.srcHi(), flow.srcLo(), flow.srcPort(),
            flow.dstHi(), flow.dstLo(), dport, destAf, s.destinationAddressHi[d], s.destinationAddressLo[d],
            realPort, s.destinationMethod[d] | onePacket, s.serviceCounterSlot[service], s.destinationCounterSlot[d],
            template, nowMs);
        // ip_vs_conn_put on the template, whether or not the connection could be made.
        connections.touch(template, nowMs);
        if (e == ConnectionTable.NOT_FOUND) {
            events.count(DataPlaneEvents.DROPPED_TABLE_FULL);
        }
        return e;
    }

    /**
     * The high half of the client network: IPv6 keeps the first {@code netmask} bits (a prefix
     * length); IPv4 has no high half.
     */
    static long maskedHi(int af, long hi, long netmask) {
        if (af != FlowKey.FAMILY_INET6) {
            return hi;
        }
        int bits = (int) Math.min(64, netmask);
        return bits == 0 ? 0 : hi & -1L << (64 - bits);
    }

    /** The low half: IPv4 ANDs the -M mask (host order, as ipvsadm gives it); IPv6 keeps prefix bits 64... */
    static long maskedLo(int af, long lo, long netmask) {
        if (af != FlowKey.FAMILY_INET6) {
            return lo & netmask & 0xffffffffL;
        }
        int bits = (int) Math.max(0, Math.min(64, netmask - 64));
        return bits == 0 ? 0 : lo & -1L << (64 - bits);
    }
}
