package lvs.sched;

import java.util.Arrays;

/**
 * A plain struct-of-arrays {@link DestinationView} with the kernel's list discipline: {@link #addIpv4} and
 * {@link #addIpv6} insert at index 0 (newest first), {@link #remove} closes the gap, {@link #setWeight} keeps
 * {@code last_weight}. Tests and benchmarks use it; the engine may use it or implement the view itself.
 * Mutators only change the arrays: calling the scheduler hooks afterwards is the caller's job.
 *
 * <p>Every mutator also refreshes the destination's two {@link LoadWord}s, so {@link #connectionLoad} and
 * {@link #expectedDelayLoad} are one array load each: the least-connection walks then touch one dense
 * {@code long[]} instead of four arrays per destination.
 */
public final class DestinationArrays implements DestinationView {
    private final int addressFamily;
    private int schedulerFlags;
    private int count;
    private int[] weight;
    private int[] lastWeight;
    private int[] active;
    private int[] inactive;
    private int[] port;
    private int[] address; // four words per destination; IPv4 uses word 0
    private boolean[] overloaded;
    private boolean[] available;
    private long[] connectionLoad; // LoadWord.connectionLoad of each destination, kept in step by the mutators
    private long[] expectedDelayLoad; // LoadWord.expectedDelayLoad of each destination

    public DestinationArrays(int addressFamily, int initialCapacity) {
        this.addressFamily = addressFamily;
        int capacity = Math.max(1, initialCapacity);
        weight = new int[capacity];
        lastWeight = new int[capacity];
        active = new int[capacity];
        inactive = new int[capacity];
        port = new int[capacity];
        address = new int[capacity * 4];
        overloaded = new boolean[capacity];
        available = new boolean[capacity];
        connectionLoad = new long[capacity];
        expectedDelayLoad = new long[capacity];
    }

    public static DestinationArrays ipv4() {
        return new DestinationArrays(AF_INET, 8);
    }

    /** Adds at the head, as {@code list_add_rcu} does; returns the new index, always 0. */
    public int addIpv4(int ipv4Address, int destinationPort, int destinationWeight) {
        return add(new int[] {ipv4Address, 0, 0, 0}, destinationPort, destinationWeight);
    }

    public int addIpv6(int[] words, int destinationPort, int destinationWeight) {
        return add(words, destinationPort, destinationWeight);
    }

    private int add(int[] words, int destinationPort, int destinationWeight) {
        if (count == weight.length) {
            grow();
        }
        shift(0, 1, count);
        count++;
        weight[0] = destinationWeight;
        lastWeight[0] = destinationWeight;
        active[0] = 0;
        inactive[0] = 0;
        port[0] = destinationPort;
        System.arraycopy(words, 0, address, 0, 4);
        overloaded[0] = false;
        available[0] = true;
        refreshLoads(0);
        return 0;
    }

    public void remove(int index) {
        shift(index + 1, index, count - index - 1);
        count--;
    }

    /** Like an edit: the weight changes, and {@code last_weight} follows unless the new weight is 0. */
    public void setWeight(int index, int newWeight) {
        weight[index] = newWeight;
        if (newWeight != 0) {
            lastWeight[index] = newWeight;
        }
        refreshLoads(index);
    }

    public void setConnections(int index, int activeConnections, int inactiveConnections) {
        active[index] = activeConnections;
        inactive[index] = inactiveConnections;
        refreshLoads(index);
    }

    public void setOverloaded(int index, boolean isOverloaded) {
        overloaded[index] = isOverloaded;
        refreshLoads(index);
    }

    private void refreshLoads(int index) {
        connectionLoad[index] = LoadWord.connectionLoad(overloaded[index], weight[index], active[index],
            inactive[index]);
        expectedDelayLoad[index] = LoadWord.expectedDelayLoad(overloaded[index], weight[index], active[index]);
    }

    public void setAvailable(int index, boolean isAvailable) {
        available[index] = isAvailable;
    }

    public void setSchedulerFlags(int flags) {
        schedulerFlags = flags;
    }

    /** Index of the IPv4 destination with this address and port, or -1. */
    public int indexOf(int ipv4Address, int destinationPort) {
        for (int i = 0; i < count; i++) {
            if (address[i * 4] == ipv4Address && port[i] == destinationPort) {
                return i;
            }
        }
        return -1;
    }

    private void shift(int from, int to, int length) {
        System.arraycopy(weight, from, weight, to, length);
        System.arraycopy(lastWeight, from, lastWeight, to, length);
        System.arraycopy(active, from, active, to, length);
        System.arraycopy(inactive, from, inactive, to, length);
        System.arraycopy(port, from, port, to, length);
        System.arraycopy(address, from * 4, address, to * 4, length * 4);
        System.arraycopy(overloaded, from, overloaded, to, length);
        System.arraycopy(available, from, available, to, length);
        System.arraycopy(connectionLoad, from, connectionLoad, to, length);
        System.arraycopy(expectedDelayLoad, from, expectedDelayLoad, to, length);
    }

    private void grow() {
        int capacity = weight.length * 2;
        weight = Arrays.copyOf(weight, capacity);
        lastWeight = Arrays.copyOf(lastWeight, capacity);
        active = Arrays.copyOf(active, capacity);
        inactive = Arrays.copyOf(inactive, capacity);
        port = Arrays.copyOf(port, capacity);
        address = Arrays.copyOf(address, capacity * 4);
        overloaded = Arrays.copyOf(overloaded, capacity);
        available = Arrays.copyOf(available, capacity);
        connectionLoad = Arrays.copyOf(connectionLoad, capacity);
        expectedDelayLoad = Arrays.copyOf(expectedDelayLoad, capacity);
    }

    @Override public int count() { return count; }
    @Override public int weight(int index) { return weight[index]; }
    @Override public int lastWeight(int index) { return lastWeight[index]; }
    @Override public int activeConnections(int index) { return active[index]; }
    @Override public int inactiveConnections(int index) { return inactive[index]; }
    @Override public boolean overloaded(int index) { return overloaded[index]; }
    @Override public boolean available(int index) { return available[index]; }
    @Override public int addressFamily() { return addressFamily; }
    @Override public int ipv4Address(int index) { return address[index * 4]; }
    @Override public int ipv6AddressWord(int index, int word) { return address[index * 4 + word]; }
    @Override public int port(int index) { return port[index]; }
    @Override public int schedulerFlags() { return schedulerFlags; }
    @Override public long connectionLoad(int index) { return connectionLoad[index]; }
    @Override public long expectedDelayLoad(int index) { return expectedDelayLoad[index]; }
}
