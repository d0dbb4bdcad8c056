package lvs.snapshot;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;
import lvs.conn.DestinationCounters;
import lvs.packet.FlowKey;
import lvs.sched.DestinationView;
import lvs.sched.FlowView;
import lvs.sched.LoadWord;
import lvs.sched.Scheduler;

/**
 * Runs a {@code schedulers}-module {@link Scheduler} as a {@link ServiceScheduler}: presents the
 * snapshot's arrays as its {@link DestinationView} and the reused flow key as its {@link FlowView}
 * (both flyweights re-pointed per call, no allocation), and turns a snapshot change into the kernel's
 * add/remove/update hooks when it was one such change, or a re-bind when several happened at once.
 */
public final class SpiScheduler implements ServiceScheduler {
    private final Supplier<Scheduler> create;
    private Scheduler scheduler;
    private final Destinations view = new Destinations();
    private final Flow flow = new Flow();
    private long[] boundIds;
    private int[] boundWeights;
    private int[] boundMethods;
    private int[] lastWeight = new int[0];

    private SpiScheduler(Supplier<Scheduler> create, Scheduler first) {
        this.create = create;
        this.scheduler = first;
    }

    /** A factory over {@code create} (name → scheduler, null if unknown). */
    public static ServiceScheduler.Factory factory(Function<String, Scheduler> create) {
        return name -> {
            Scheduler s = create.apply(name);
            return s == null ? null : new SpiScheduler(() -> create.apply(name), s);
        };
    }

    @Override
    public int pick(TableSnapshot snapshot, int service, FlowKey key, ConnectionCounters counters) {
        view.point(snapshot, service, counters);
        flow.key = key;
        int i = scheduler.select(view, flow);
        return i == Scheduler.NONE ? NONE : snapshot.firstDestination[service] + i;
    }

    @Override
    public void destinationsChanged(TableSnapshot snapshot, int service) {
        int first = snapshot.firstDestination[service];
        int n = snapshot.destinationCount[service];
        long[] ids = Arrays.copyOfRange(snapshot.destinationId, first, first + n);
        int[] weights = Arrays.copyOfRange(snapshot.destinationWeight, first, first + n);
        int[] methods = Arrays.copyOfRange(snapshot.destinationMethod, first, first + n);
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            int old = indexOf(boundIds, ids[i]);
            last[i] = weights[i] != 0 ? weights[i] : old >= 0 ? lastWeight[old] : 0;
        }
        view.point(snapshot, service, null);
        view.lastWeight = last;
        if (boundIds == null || !notifyChange(ids, weights, methods)) {
            replayAdds(snapshot, service, last);
        }
        boundIds = ids;
        boundWeights = weights;
        boundMethods = methods;
        lastWeight = last;
    }

    /**
     * Binds to an empty service and adds the destinations oldest first, as the kernel sees a service
     * built by {@code -A} then {@code -a}... (and by {@code -R}): schedulers whose state depends on
     * that history (wrr's current weight) then start where the kernel's would.
     */
    private void replayAdds(TableSnapshot snapshot, int service, int[] last) {
        int first = snapshot.firstDestination[service];
        int n = snapshot.destinationCount[service];
        if (boundIds != null) {
            scheduler = create.get(); // a new service's state, not a re-bound old one
        }
        view.range(first + n, 0, last, n);
        scheduler.onBound(view);
        for (int k = 1; k <= n; k++) {
            view.range(first + n - k, k, last, n - k);
            scheduler.onDestinationAdded(view, 0);
        }
        view.point(snapshot, service, null);
        view.lastWeight = last;
    }

    /** One add (at the head), one removal or one edit get their hook; false when it was something else. */
    private boolean notifyChange(long[] ids, int[] weights, int[] methods) {
        if (ids.length == boundIds.length + 1 && Arrays.equals(ids, 1, ids.length, boundIds, 0, boundIds.length)) {
            scheduler.onDestinationAdded(view, 0);
            return true;
        }
        if (ids.length + 1 == boundIds.length) {
            for (int removed = 0; removed < boundIds.length; removed++) {
                if (Arrays.equals(ids, 0, removed, boundIds, 0, removed)
                    && Arrays.equals(ids, removed, ids.length, boundIds, removed + 1, boundIds.length)) {
                    scheduler.onDestinationRemoved(view, removed);
                    return true;
                }
            }
        }
        if (Arrays.equals(ids, boundIds)) {
            for (int i = 0; i < ids.length; i++) {
                if (weights[i] != boundWeights[i] || methods[i] != boundMethods[i]) {
                    scheduler.onDestinationUpdated(view, i);
                }
            }
            return true;
        }
        return false;
    }

    private static int indexOf(long[] ids, long id) {
        if (ids != null) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == id) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The snapshot's destinations of one service, newest first. */
    private static final class Destinations implements DestinationView {
        TableSnapshot s;
        int first;
        int count;
        int flags;
        int family;
        ConnectionCounters counters;
        int[] lastWeight = new int[0];
        int lastWeightOffset;

        void point(TableSnapshot snapshot, int service, ConnectionCounters c) {
            s = snapshot;
            first = snapshot.firstDestination[service];
            count = snapshot.destinationCount[service];
            flags = snapshot.serviceFlags[service];
            family = snapshot.serviceFamily[service];
            counters = c;
            lastWeightOffset = 0;
        }

        /** A view of {@code n} destinations from absolute index {@code from} (a list being rebuilt). */
        void range(int from, int n, int[] last, int lastOffset) {
            first = from;
            count = n;
            lastWeight = last;
            lastWeightOffset = lastOffset;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public int weight(int index) {
            return s.destinationWeight[first + index];
        }

        @Override
        public int lastWeight(int index) {
            int i = lastWeightOffset + index;
            return i < lastWeight.length ? lastWeight[i] : weight(index);
        }

        @Override
        public int activeConnections(int index) {
            return counters == null ? 0 : counters.active(s.destinationCounterSlot[first + index]);
        }

        @Override
        public int inactiveConnections(int index) {
            return counters == null ? 0 : counters.inactive(s.destinationCounterSlot[first + index]);
        }

        @Override
        public boolean overloaded(int index) {
            return overloadedSlot(s.destinationCounterSlot[first + index]);
        }

        /** One slot lookup and one OVERLOAD test for the whole word (lc/wlc/lblc/lblcr read it per destination). */
        @Override
        public long connectionLoad(int index) {
            int weight = s.destinationWeight[first + index];
            if (counters == null) {
                return LoadWord.pack(LoadWord.connectionOverhead(0, 0), weight);
            }
            int slot = s.destinationCounterSlot[first + index];
            return LoadWord.connectionLoad(overloadedSlot(slot), weight, counters.active(slot),
                counters.inactive(slot));
        }

        /** The sed/nq word, likewise. */
        @Override
        public long expectedDelayLoad(int index) {
            int weight = s.destinationWeight[first + index];
            if (counters == null) {
                return LoadWord.pack(LoadWord.expectedDelayOverhead(0), weight);
            }
            int slot = s.destinationCounterSlot[first + index];
            return LoadWord.expectedDelayLoad(overloadedSlot(slot), weight, counters.active(slot));
        }

        private boolean overloadedSlot(int slot) {
            return counters instanceof DestinationCounters d && d.isOverloaded(slot);
        }

        @Override
        public boolean available(int index) {
            return true;
        }

        @Override
        public int addressFamily() {
            return family;
        }

        @Override
        public int ipv4Address(int index) {
            return s.destinationAddress[first + index];
        }

        @Override
        public int ipv6AddressWord(int index, int word) {
            long half = word < 2 ? s.destinationAddressHi[first + index] : s.destinationAddressLo[first + index];
            return (word & 1) == 0 ? (int) (half >>> 32) : (int) half;
        }

        @Override
        public int port(int index) {
            return s.destinationPort[first + index];
        }

        @Override
        public int schedulerFlags() {
            return flags & (lvs.sched.SchedulerFlags.SCHED1 | lvs.sched.SchedulerFlags.SCHED2
                | lvs.sched.SchedulerFlags.SCHED3);
        }
    }

    /** The new connection's first packet. */
    private static final class Flow implements FlowView {
        FlowKey key;

        @Override
        public int addressFamily() {
            return key.isIpv6() ? DestinationView.AF_INET6 : DestinationView.AF_INET;
        }

        @Override
        public int protocol() {
            return key.protocol();
        }

        @Override
        public int sourceIpv4Address() {
            return key.srcIpv4();
        }

        @Override
        public int sourceIpv6AddressWord(int word) {
            return wordOf(word < 2 ? key.srcHi() : key.srcLo(), word);
        }

        @Override
        public int sourcePort() {
            return key.srcPort();
        }

        @Override
        public int destinationIpv4Address() {
            return key.dstIpv4();
        }

        @Override
        public int destinationIpv6AddressWord(int word) {
            return wordOf(word < 2 ? key.dstHi() : key.dstLo(), word);
        }

        private static int wordOf(long half, int word) {
            return (word & 1) == 0 ? (int) (half >>> 32) : (int) half;
        }

        @Override
        public int destinationPort() {
            return key.dstPort();
        }
    }
}
