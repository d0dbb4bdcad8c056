package lvs.conn;

/**
 * What packets and time do to connection entries: the kernel's {@code ip_vs_conn_new},
 * {@code set_state}, {@code conn_put} and {@code ip_vs_conn_expire}, over a {@link ConnectionTable}.
 *
 * <ul>
 *   <li>{@link #open} creates an entry (state NONE, 3 s timeout), binds it to its destination
 *       (InActConn + 1, OVERLOAD check) and to its template.</li>
 *   <li>{@link #onPacket} runs the protocol state machine, moves the destination's counters between
 *       ActiveConn and InActConn, reloads the idle timeout from the state and re-arms expiry.</li>
 *   <li>{@link #expireDue} is the sweeper: bounded work per call; entries that still control others
 *       are re-armed in 60 s steps, the rest are unhashed, uncounted and freed.</li>
 * </ul>
 *
 * <p>Time is whatever millisecond clock the caller passes (read once per duty cycle); tests pass a
 * manual one. Single-threaded, allocation-free after construction.
 */
public final class ConnectionTracker {
    public static final int NOT_FOUND = ConnectionTable.NOT_FOUND;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    /** Default wheel: 32 ms ticks x 32768 buckets, one revolution = about 17.5 minutes. */
    public static final long DEFAULT_TICK_MS = 32;
    public static final int DEFAULT_BUCKETS = 1 << 15;

    private final ConnectionTable table;
    private final DestinationCounters destinations;
    private final ProtocolTimeouts timeouts;
    private final ExpiryWheel wheel;
    private final ExpiryWheel.Expirer expirer = this::onExpired;
    private boolean secureTcp;
    private long expiredEntries;

    public ConnectionTracker(ConnectionTable table, DestinationCounters destinations, ProtocolTimeouts timeouts,
                             long nowMs) {
        this(table, destinations, timeouts, DEFAULT_TICK_MS, DEFAULT_BUCKETS, nowMs);
    }

    public ConnectionTracker(ConnectionTable table, DestinationCounters destinations, ProtocolTimeouts timeouts,
                             long tickMs, int buckets, long nowMs) {
        this.table = table;
        this.destinations = destinations;
        this.timeouts = timeouts;
        this.wheel = new ExpiryWheel(table, tickMs, buckets, nowMs);
    }

    public ConnectionTable table() {
        return table;
    }

    public DestinationCounters destinations() {
        return destinations;
    }

    public ProtocolTimeouts timeouts() {
        return timeouts;
    }

    /** {@code secure_tcp} level: 2 and 3 switch TCP to the SYN-flood resistant table. */
    public void setSecureTcpLevel(int level) {
        secureTcp = level >= 2;
    }

    /** Entries freed by expiry since construction. */
    public long expiredEntries() {
        return expiredEntries;
    }

    /** Entries currently waiting on the expiry wheel. */
    public int scheduledEntries() {
        return wheel.scheduledCount();
    }

    // ---------------------------------------------------------------- creation

    /**
     * Creates a connection for a scheduled packet, or returns {@link #NOT_FOUND} when the table is
     * full (the caller drops the packet).
     *
     * @param flags the destination's forwarding method ({@link ConnectionFlags#FWD_MASK}) plus
     *              ONE_PACKET for OPS services. As the kernel's destination {@code conn_flags} do,
     *              INACTIVE is always added and NOOUTPUT is added for every method but NAT; ONE_PACKET
     *              is dropped for anything but UDP.
     * @param destinationId dense destination id, or -1 for none (bypass)
     * @param template the controlling template's entry, or -1
     */
    public int open(int af, int protocol, long caddrHi, long caddrLo, int cport,
                    long vaddrHi, long vaddrLo, int vport,
                    int destAf, long daddrHi, long daddrLo, int dport,
                    int flags, int serviceId, int destinationId, int template, long nowMs) {
        int connFlags = (flags & ~ConnectionFlags.TEMPLATE) | ConnectionFlags.INACTIVE;
        if ((connFlags & ConnectionFlags.FWD_MASK) != ConnectionFlags.MASQ) {
            connFlags |= ConnectionFlags.NOOUTPUT;
        }
        if (protocol != IPPROTO_UDP) {
            connFlags &= ~ConnectionFlags.ONE_PACKET;
        }
        int e = table.insert(af, protocol, caddrHi, caddrLo, cport, vaddrHi, vaddrLo, vport,
            destAf, daddrHi, daddrLo, dport, connFlags, serviceId, destinationId);
        if (e == NOT_FOUND) {
            return NOT_FOUND;
        }
        destinations.hold(serviceId);
        destinations.hold(destinationId);
        if (destinationId >= 0) {
            destinations.bind(destinationId, false, true);
        }
        if (template >= 0) {
            table.setControl(e, template);
            table.addControlled(template, 1);
        }
        table.setTimeoutMs(e, ProtocolTimeouts.INITIAL_TIMEOUT_MS);
        table.setExpiresAtMs(e, nowMs + ProtocolTimeouts.INITIAL_TIMEOUT_MS);
        if ((connFlags & ConnectionFlags.ONE_PACKET) == 0) {
            wheel.schedule(e);
        }
        return e;
    }

    /**
     * Creates a persistence template {@code <protocol, masked caddr, cport 0, vaddr, vport>} bound to a
     * destination, living {@code timeoutMs} (the service's {@code -p}) from now. Templates are counted
     * in the destination's PersistConn. Returns {@link #NOT_FOUND} when the table is full. {@code timeoutMs}
     * is read as unsigned.
     */
    public int openTemplate(int af, int protocol, long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, int vport,
                            int destAf, long daddrHi, long daddrLo, int dport,
                            int forwardingMethod, int serviceId, int destinationId, int timeoutMs, long nowMs) {
        int e = table.insert(af, protocol, caddrHi, caddrLo, 0, vaddrHi, vaddrLo, vport,
            destAf, daddrHi, daddrLo, dport, templateFlags(forwardingMethod), serviceId, destinationId);
        return startTemplate(e, serviceId, destinationId, timeoutMs, nowMs);
    }

    /**
     * {@link #openTemplate} for a service with a persistence engine: the template is also keyed by
     * {@code engine}'s data, bytes {@code [offset, offset + length)} of {@code data} (a SIP Call-ID),
     * copied into the table's {@link TemplatePeData}.
     */
    public int openPeTemplate(int af, int protocol, long caddrHi, long caddrLo, long vaddrHi, long vaddrLo, int vport,
                              int destAf, long daddrHi, long daddrLo, int dport,
                              int forwardingMethod, int serviceId, int destinationId, int timeoutMs, long nowMs,
                              int engine, org.agrona.DirectBuffer data, int offset, int length, int peHash) {
        int e = table.insertPeTemplate(af, protocol, caddrHi, caddrLo, vaddrHi, vaddrLo, vport,
            destAf, daddrHi, daddrLo, dport, templateFlags(forwardingMethod), serviceId, destinationId,
            engine, data, offset, length, peHash);
        return startTemplate(e, serviceId, destinationId, timeoutMs, nowMs);
    }

    private static int templateFlags(int forwardingMethod) {
        int flags = ConnectionFlags.TEMPLATE | ConnectionFlags.INACTIVE | (forwardingMethod & ConnectionFlags.FWD_MASK);
        if ((flags & ConnectionFlags.FWD_MASK) != ConnectionFlags.MASQ) {
            flags |= ConnectionFlags.NOOUTPUT;
        }
        return flags;
    }

    /** A new template's bookkeeping: held counters, bound real server, state NONE, timer at the -p timeout. */
    private int startTemplate(int e, int serviceId, int destinationId, int timeoutMs, long nowMs) {
        if (e == NOT_FOUND) {
            return NOT_FOUND;
        }
        destinations.hold(serviceId);
        destinations.hold(destinationId);
        if (destinationId >= 0) {
            destinations.bind(destinationId, true, true);
        }
        table.setState(e, TemplateStates.NONE);
        table.setTimeoutMs(e, timeoutMs);
        table.setExpiresAtMs(e, nowMs + Integer.toUnsignedLong(timeoutMs));
        wheel.schedule(e);
        return e;
    }

    /**
     * {@code ip_vs_conn_put} on an entry that saw no state transition: restarts its timer at
     * now + its timeout. The scheduler calls this on a template each time it schedules a connection
     * through it; nothing else refreshes a template.
     */
    public void touch(int e, long nowMs) {
        rearm(e, nowMs);
    }

    // ---------------------------------------------------------------- packets

    /**
     * A packet of connection {@code e} travelling {@code direction} ({@link Direction#INPUT} or
     * {@link Direction#OUTPUT}) with the TCP flag byte {@code tcpFlags} (ignored for UDP). Runs the
     * state transition, moves the destination between ActiveConn and InActConn when the state changes
     * group, reloads the timeout from the (possibly new) state and re-arms expiry to now + timeout.
     * Returns the new state.
     */
    public int onPacket(int e, int direction, int tcpFlags, long nowMs) {
        int flags = table.flags(e);
        if ((flags & ConnectionFlags.NOOUTPUT) != 0) {
            if (direction == Direction.OUTPUT) {
                flags &= ~ConnectionFlags.NOOUTPUT; // a reply proves replies pass the director
                table.setFlags(e, flags);
            } else {
                direction = Direction.INPUT_ONLY;
            }
        }
        if (direction != Direction.OUTPUT) {
            table.incrementInPackets(e);
        }
        int protocol = table.protocol(e);
        int state = table.state(e);
        int timeoutMs;
        if (protocol == IPPROTO_TCP) {
            int next = TcpStates.next(secureTcp, direction, tcpFlags, state);
            if (next != state) {
                changeTcpState(e, flags, next);
                state = next;
            }
            timeoutMs = timeouts.tcpMs(state);
        } else if (protocol == IPPROTO_UDP) {
            if (direction == Direction.OUTPUT) {
                assureControl(e);
            }
            timeoutMs = timeouts.udpMs(UdpStates.NORMAL);
        } else {
            timeoutMs = table.timeoutMs(e); // SCTP is not modelled yet: keep the current timeout
        }
        table.setTimeoutMs(e, timeoutMs);
        rearm(e, nowMs);
        return state;
    }

    private void changeTcpState(int e, int flags, int next) {
        int dest = table.destinationId(e);
        if (dest >= 0) {
            boolean inactive = (flags & ConnectionFlags.INACTIVE) != 0;
            boolean active = TcpStates.isActive(next);
            if (!inactive && !active) {
                destinations.becameInactive(dest);
                table.setFlags(e, flags | ConnectionFlags.INACTIVE);
            } else if (inactive && active) {
                destinations.becameActive(dest);
                table.setFlags(e, flags & ~ConnectionFlags.INACTIVE);
            }
        }
        if (next == TcpStates.ESTABLISHED) {
            assureControl(e);
        }
        table.setState(e, next);
    }

    /** ip_vs_control_assure_ct: the controlling template, if any, becomes ASSURED. */
    private void assureControl(int e) {
        int ct = table.control(e);
        if (ct >= 0 && table.isTemplate(ct)) {
            table.setState(ct, TemplateStates.ASSURED);
        }
    }

    private void rearm(int e, long nowMs) {
        if ((table.flags(e) & ConnectionFlags.ONE_PACKET) != 0) {
            return;
        }
        long old = table.expiresAtMs(e);
        // Unsigned, as the kernel's jiffies timeout: -p and --set go up to 31 days, past a signed int of ms.
        long expires = nowMs + Integer.toUnsignedLong(table.timeoutMs(e));
        table.setExpiresAtMs(e, expires);
        if (!wheel.isScheduled(e)) {
            wheel.schedule(e);
        } else if (expires < old) {
            wheel.reschedule(e); // the lazy wheel only tolerates expiries that grow
        }
    }

    /**
     * Whether a SYN that found entry {@code e} should expire it and be scheduled afresh
     * ({@code conn_reuse_mode}, default 1): only for entries without a template, in TIME_WAIT or
     * CLOSE, or with mode bit 2 also in FIN_WAIT when replies bypass the director (DR/TUN).
     */
    public boolean isReusableBySyn(int e, int connReuseMode) {
        if (connReuseMode == 0 || table.control(e) >= 0 || table.protocol(e) != IPPROTO_TCP) {
            return false;
        }
        int state = table.state(e);
        return state == TcpStates.TIME_WAIT || state == TcpStates.CLOSE
            || ((connReuseMode & 2) != 0 && state == TcpStates.FIN_WAIT
                && (table.flags(e) & ConnectionFlags.NOOUTPUT) != 0);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Expires an entry now (ip_vs_conn_expire_now), e.g. to reschedule a SYN on a TIME_WAIT entry. Its
     * timeout is set to 0, which makes the expiry "forced": an unassured template it was the last user
     * of goes with it. The entry is freed by the next {@link #expireDue} once its tick has passed.
     */
    public void expireNow(int e, long nowMs) {
        table.setTimeoutMs(e, 0);
        table.setExpiresAtMs(e, nowMs);
        wheel.reschedule(e);
    }

    /** After an OPS (one-packet) entry's packet was sent: free it at once, as the kernel's conn_put does. */
    public void releaseOnePacket(int e, long nowMs) {
        if ((table.flags(e) & ConnectionFlags.ONE_PACKET) == 0) {
            throw new IllegalStateException("entry " + e + " is not a one-packet entry");
        }
        free(e, nowMs);
    }

    /**
     * The sweeper: frees or re-arms due entries, at most {@code limit} units of work (entries visited
     * plus wheel buckets stepped). Returns the work done; less than {@code limit} means caught up.
     */
    public int expireDue(long nowMs, int limit) {
        return wheel.poll(nowMs, limit, expirer);
    }

    private void onExpired(int e, long nowMs) {
        if (table.controlledCount(e) > 0) {
            // Still controls connections (a template): look again in 60 s.
            table.setTimeoutMs(e, ProtocolTimeouts.CONTROLLER_RETRY_MS);
            table.setExpiresAtMs(e, nowMs + ProtocolTimeouts.CONTROLLER_RETRY_MS);
            wheel.schedule(e);
            return;
        }
        free(e, nowMs);
    }

    private void free(int e, long nowMs) {
        wheel.unschedule(e);
        boolean forced = table.timeoutMs(e) == 0;
        int ct = table.control(e);
        if (ct >= 0) {
            table.addControlled(ct, -1);
            if (forced && table.controlledCount(ct) == 0
                && !(table.isTemplate(ct) && table.state(ct) == TemplateStates.ASSURED)) {
                expireNow(ct, nowMs);
            }
        }
        int dest = table.destinationId(e);
        if (dest >= 0) {
            int flags = table.flags(e);
            destinations.unbind(dest, (flags & ConnectionFlags.TEMPLATE) != 0,
                (flags & ConnectionFlags.INACTIVE) != 0);
        }
        // Last: once the counts reach 0 the control plane may recycle the slots (CounterSlots).
        destinations.release(table.serviceId(e));
        destinations.release(dest);
        table.remove(e);
        expiredEntries++;
    }
}
