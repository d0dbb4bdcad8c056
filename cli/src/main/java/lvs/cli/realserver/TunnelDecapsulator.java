package lvs.cli.realserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import lvs.dataplane.net.Nic;
import lvs.dataplane.net.NicDiscovery;
import lvs.io.FrameHandler;
import lvs.io.afpacket.AfPacketConfig;
import lvs.io.afpacket.AfPacketIo;
import lvs.io.kernel.GuardTarget;
import lvs.io.kernel.KernelGuard;
import lvs.model.InetAddress;
import org.agrona.MutableDirectBuffer;

/**
 * The real server's side of LVS-TUN without the kernel's ipip/ip6_tunnel/gre/fou modules: reads the
 * director's tunnel packets (outer IPv4 or IPv6) from the interfaces with AF_PACKET, strips the outer
 * headers ({@link Decapsulation}), and writes the client's packet (IPv4 or IPv6) into a TUN device
 * ({@link TunDevice}), so the kernel receives client → VIP as if from {@code tunl0} / {@code ip6tnl0}
 * and replies to the client directly. An nftables table drops the
 * outer packets at ingress (after our AF_PACKET tap has seen them) so that the kernel, which has no
 * handler for them, does not answer with ICMP protocol/port unreachable. SIGTERM/SIGINT remove the
 * table and the device and exit 0.
 *
 * <pre>
 * TunnelDecapsulator --vip VIP [--vip VIP2 ...] [--interface IF ...] [--tun-type any|ipip|gue|gre]
 *                    [--tun-port N] [--device NAME]
 * </pre>
 * {@code --vip} takes IPv4 and IPv6 addresses. Defaults: every interface with an IPv4 or IPv6 address; {@code any} (IPIP and GRE, plus GUE when a port is
 * known); {@code --tun-port} from the environment's {@code LVS_TUN_PORT} (so {@code bin/lvs-realserver
 * --mode tun}, which does not pass it, can still carry GUE); device {@code lvstun0}.
 */
public final class TunnelDecapsulator {
    private static final String NFT_TABLE = "lvs_decap";

    record Options(List<String> interfaces, List<Integer> vips, List<long[]> vips6, int accepted, int guePort,
                   String device) {
    }

    private TunnelDecapsulator() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lvs-decap: " + e.getMessage());
            System.err.println("usage: TunnelDecapsulator --vip VIP [--vip VIP ...] [--interface IF ...] "
                + "[--tun-type any|ipip|gue|gre] [--tun-port N] [--device NAME]");
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Exception e) {
            System.err.println("lvs-decap: " + e);
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        List<String> interfaces = new ArrayList<>();
        List<Integer> vips = new ArrayList<>();
        List<long[]> vips6 = new ArrayList<>();
        String type = "any";
        String port = System.getenv("LVS_TUN_PORT");
        String device = "lvstun0";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--interface" -> interfaces.add(v);
                case "--vip" -> {
                    if (v.contains(":")) {
                        vips6.add(ipv6(v));
                    } else {
                        vips.add(ipv4(v));
                    }
                }
                case "--tun-type" -> type = v;
                case "--tun-port" -> port = v;
                case "--device" -> device = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (vips.isEmpty() && vips6.isEmpty()) {
            throw new IllegalArgumentException("--vip is required");
        }
        int guePort = 0;
        if (port != null && !port.isBlank()) {
            guePort = Integer.parseInt(port.trim());
            if (guePort < 1 || guePort > 65535) {
                throw new IllegalArgumentException("--tun-port must be 1..65535");
            }
        }
        int accepted = switch (type) {
            case "any" -> Decapsulation.IPIP | Decapsulation.GRE | (guePort != 0 ? Decapsulation.GUE : 0);
            case "ipip" -> Decapsulation.IPIP;
            case "gre" -> Decapsulation.GRE;
            case "gue" -> Decapsulation.GUE;
            default -> throw new IllegalArgumentException("--tun-type must be any, ipip, gue or gre");
        };
        if (type.equals("gue") && guePort == 0) {
            throw new IllegalArgumentException("--tun-type gue needs --tun-port");
        }
        if (!device.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("bad --device name " + device);
        }
        return new Options(interfaces, vips, vips6, accepted, guePort, device);
    }

    private static int ipv4(String text) {
        String[] p = text.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int a = 0;
        for (String s : p) {
            int b = Integer.parseInt(s);
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            a = a << 8 | b;
        }
        return a;
    }

    /** An IPv6 literal as (hi, lo); {@code getByName} parses a literal without asking DNS. */
    private static long[] ipv6(String text) {
        if (!text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        try {
            byte[] b = java.net.InetAddress.getByName(text).getAddress();
            if (b.length != 16) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b);
            return new long[] {w.getLong(), w.getLong()};
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
    }

    private static void run(Options o) throws Exception {
        List<Nic> nics = new ArrayList<>();
        if (o.interfaces().isEmpty()) {
            for (Nic n : NicDiscovery.usableInterfaces()) {
                if (n.ipv4().length > 0 || n.hasAnyIpv6()) {
                    nics.add(n);
                }
            }
        } else {
            for (String name : o.interfaces()) {
                Nic n = NicDiscovery.byName(name);
                if (n == null) {
                    throw new IOException("no interface " + name);
                }
                nics.add(n);
            }
        }
        if (nics.isEmpty()) {
            throw new IOException("no interface to listen on");
        }
        Set<Integer> locals = new LinkedHashSet<>();
        List<Long> locals6 = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Nic n : nics) {
            names.add(n.name());
            for (int a : n.ipv4()) {
                locals.add(a);
            }
            for (long half : n.ipv6()) {
                locals6.add(half);
            }
        }
        long[] vips6 = new long[o.vips6().size() * 2];
        for (int i = 0; i < o.vips6().size(); i++) {
            vips6[2 * i] = o.vips6().get(i)[0];
            vips6[2 * i + 1] = o.vips6().get(i)[1];
        }
        long[] localPairs6 = locals6.stream().mapToLong(Long::longValue).toArray();
        Decapsulation decap = new Decapsulation(o.accepted(), o.guePort(),
            locals.stream().mapToInt(Integer::intValue).toArray(), o.vips().stream().mapToInt(Integer::intValue).toArray(),
            localPairs6, vips6);

        KernelGuard guard = new KernelGuard(List.of("nft"), NFT_TABLE);
        TunDevice tun = TunDevice.create(o.device());
        AfPacketIo io = null;
        try {
            setUp(o.device());
            guard.install(names);
            guard.update(guardTargets(locals, localPairs6, o.accepted(), o.guePort()));
            io = AfPacketIo.open(AfPacketConfig.DEFAULT, names.toArray(new String[0]));
        } catch (Exception | LinkageError e) {
            guard.close();
            tun.close();
            if (io != null) {
                io.close();
            }
            throw e;
        }
        Loop loop = new Loop(io, decap, tun, nics);
        Thread worker = new Thread(loop, "lvs-decap");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.running = false;
            try {
                worker.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            guard.close();
            tun.close();
            System.err.println("lvs-decap: stopped; " + loop.delivered + " packets delivered, " + loop.refused
                + " refused by " + o.device());
        }, "lvs-decap-stop"));
        worker.start();
        System.err.println("lvs-decap: " + o.device() + " up; decapsulating " + describe(o) + " on "
            + String.join(", ", names));
        worker.join();
    }

    /** Outer packets to our addresses that only we handle: the kernel has no decapsulator for them. */
    private static List<GuardTarget> guardTargets(Set<Integer> locals, long[] locals6, int accepted, int guePort) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int a : locals) {
            addresses.add(InetAddress.ofIpv4(a));
        }
        for (int i = 0; i + 1 < locals6.length; i += 2) {
            addresses.add(InetAddress.of(java.nio.ByteBuffer.allocate(16).putLong(locals6[i]).putLong(locals6[i + 1])
                .array()));
        }
        List<GuardTarget> targets = new ArrayList<>();
        for (InetAddress address : addresses) {
            if ((accepted & Decapsulation.IPIP) != 0) {
                targets.add(GuardTarget.toService(4, address, 0));
                targets.add(GuardTarget.toService(41, address, 0));
            }
            if ((accepted & Decapsulation.GRE) != 0) {
                targets.add(GuardTarget.toService(47, address, 0));
            }
            if ((accepted & Decapsulation.GUE) != 0) {
                targets.add(GuardTarget.toService(17, address, guePort));
            }
        }
        return targets;
    }

    /** Up, and reverse-path filtering that lets clients routed through another interface in. */
    private static void setUp(String device) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "link", "set", device, "up").inheritIO().start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ip link set " + device + " up failed");
        }
        // The kernel applies max(all, device): with "all" strict, only loose (2) on the device lets them in.
        String all = Files.readString(Path.of("/proc/sys/net/ipv4/conf/all/rp_filter")).trim();
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf/" + device + "/rp_filter"), all.equals("0") ? "0" : "2");
    }

    private static String describe(Options o) {
        List<String> kinds = new ArrayList<>();
        if ((o.accepted() & Decapsulation.IPIP) != 0) {
            kinds.add("ipip");
        }
        if ((o.accepted() & Decapsulation.GRE) != 0) {
            kinds.add("gre");
        }
        if ((o.accepted() & Decapsulation.GUE) != 0) {
            kinds.add("gue:" + o.guePort());
        }
        List<String> vips = new ArrayList<>();
        for (int v : o.vips()) {
            vips.add(InetAddress.ofIpv4(v).toString());
        }
        for (long[] v : o.vips6()) {
            vips.add(InetAddress.of(java.nio.ByteBuffer.allocate(16).putLong(v[0]).putLong(v[1]).array()).toString());
        }
        return String.join(",", kinds) + " for " + String.join(",", vips);
    }

    /** The receive loop: one thread, no allocation per frame. */
    private static final class Loop implements Runnable, FrameHandler {
        private final AfPacketIo io;
        private final Decapsulation decap;
        private final TunDevice tun;
        private final int[] ifIndex;
        private final long[] mac;
        volatile boolean running = true;
        volatile long delivered;
        volatile long refused;

        Loop(AfPacketIo io, Decapsulation decap, TunDevice tun, List<Nic> nics) {
            this.io = io;
            this.decap = decap;
            this.tun = tun;
            this.ifIndex = nics.stream().mapToInt(Nic::index).toArray();
            this.mac = nics.stream().mapToLong(Nic::mac).toArray();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    if (io.poll(this, 64) == 0) {
                        io.awaitFrames(100_000_000L);
                    }
                }
            } finally {
                io.close();
            }
        }

        @Override
        public void onFrame(int index, MutableDirectBuffer buffer, int offset, int length, long offload) {
            if (length < 14 || !addressedToUs(index, buffer, offset)) {
                return;
            }
            if (decap.decapsulate(buffer, offset, length, offload)) {
                if (tun.write(buffer, decap.innerOffset(), decap.innerLength())) {
                    delivered++;
                } else {
                    refused++;
                }
            }
        }

        private boolean addressedToUs(int index, MutableDirectBuffer buffer, int offset) {
            long destination = (buffer.getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32
                | (buffer.getInt(offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
            for (int i = 0; i < ifIndex.length; i++) {
                if (ifIndex[i] == index) {
                    return mac[i] == destination;
                }
            }
            return false;
        }
    }
}
