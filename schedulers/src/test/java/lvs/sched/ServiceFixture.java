package lvs.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One virtual service for scheduler tests: destinations named by label, changed the way the control plane
 * will change them (mutate the view, then call the scheduler's hook), and a manual clock.
 */
final class ServiceFixture {
    final DestinationArrays dests;
    final Scheduler scheduler;
    final MutableFlow flow = new MutableFlow().ipv4(ip("10.0.0.2"), 40000, ip("192.168.0.11"), 80);
    final AtomicLong clockMillis;
    private final List<String> labels = new ArrayList<>(); // parallel to the view: newest first

    private ServiceFixture(String name, SchedulerSettings settings, AtomicLong clock, int family) {
        dests = new DestinationArrays(family, 4);
        scheduler = SchedulerRegistry.create(name, settings);
        clockMillis = clock;
        scheduler.onBound(dests);
    }

    static ServiceFixture of(String name) {
        AtomicLong clock = new AtomicLong(1_000_000);
        return new ServiceFixture(name, SchedulerSettings.defaults().withClock(clock::get), clock,
            DestinationView.AF_INET);
    }

    static ServiceFixture of(String name, SchedulerSettings settings, AtomicLong clock) {
        return new ServiceFixture(name, settings.withClock(clock::get), clock, DestinationView.AF_INET);
    }

    static int ip(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    /** Adds a destination at the head of the list, as ipvsadm -a does, with address 10.1.0.(n). */
    ServiceFixture add(String label, int weight) {
        return add(label, ip("10.1.0." + (labels.size() + 1)), 80, weight);
    }

    ServiceFixture add(String label, int address, int port, int weight) {
        int index = dests.addIpv4(address, port, weight);
        labels.add(index, label);
        scheduler.onDestinationAdded(dests, index);
        return this;
    }

    ServiceFixture remove(String label) {
        int index = indexOf(label);
        dests.remove(index);
        labels.remove(index);
        scheduler.onDestinationRemoved(dests, index);
        return this;
    }

    ServiceFixture weight(String label, int weight) {
        int index = indexOf(label);
        dests.setWeight(index, weight);
        scheduler.onDestinationUpdated(dests, index);
        return this;
    }

    ServiceFixture connections(String label, int active, int inactive) {
        dests.setConnections(indexOf(label), active, inactive);
        return this;
    }

    ServiceFixture overloaded(String label, boolean overloaded) {
        dests.setOverloaded(indexOf(label), overloaded);
        return this;
    }

    ServiceFixture flags(int flags) {
        dests.setSchedulerFlags(flags);
        return this;
    }

    /** Rebinds the scheduler to the current destinations (like ipvsadm -E ... -s name). */
    ServiceFixture rebind() {
        scheduler.onBound(dests);
        return this;
    }

    void advanceMillis(long millis) {
        clockMillis.addAndGet(millis);
    }

    int indexOf(String label) {
        int index = labels.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("no destination " + label);
        }
        return index;
    }

    String label(int index) {
        return index == Scheduler.NONE ? "NONE" : labels.get(index);
    }

    /** One pick for the current flow, as a label ("NONE" for no destination). */
    String pick() {
        return label(scheduler.select(dests, flow));
    }

    List<String> picks(int n) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picked.add(pick());
        }
        return picked;
    }

    List<String> labelsInListOrder() {
        return List.copyOf(labels);
    }
}
