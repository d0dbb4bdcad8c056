package lvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lvs.cli.client.IpvsadmClient;
import lvs.cli.protocol.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real client and the real server over a real socket, with a fake ipvsadm behind the server. */
@Timeout(60)
class ControlServerTest {
    @TempDir
    Path dir;
    private Path socket;
    private ControlServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicBoolean committedBeforeExit = new AtomicBoolean();

    /** A stand-in for ipvsadm: "echo ARGS" prints, "count" counts stdin lines, "fail" prints to stderr, "boom" throws. */
    private final RequestHandler fake = (argv0, args, in, out, err) -> {
        requests.incrementAndGet();
        switch (args.isEmpty() ? "" : args.get(0)) {
            case "echo" -> {
                out.print(argv0 + " " + String.join("|", args.subList(1, args.size())) + "\n");
                return 0;
            }
            case "count" -> {
                long lines;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    lines = r.lines().count();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                out.print(lines + "\n");
                return 0;
            }
            case "big" -> {
                for (int i = 0; i < 200_000; i++) {
                    out.print("line " + i + "\n");
                }
                return 0;
            }
            case "fail" -> {
                err.print("No such service\n");
                return 255;
            }
            case "boom" -> throw new IllegalStateException("bug");
            default -> {
                return 0;
            }
        }
    };

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("lvsd.sock");
        server = new ControlServer(socket, fake, () -> {
            commits.incrementAndGet();
            committedBeforeExit.set(true);
        }, 500);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(InputStream stdin, String... args) {
        return run(Map.of("LVSD_SOCKET", socket.toString()), stdin, args);
    }

    private Result run(Map<String, String> env, InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new IpvsadmClient(env, stdin, out, err).run(args);
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void argumentsOutputAndStatusTravel() {
        Map<String, String> env = Map.of("LVSD_SOCKET", socket.toString(), "IPVSADM_ARGV0", "/sbin/ipvsadm");
        assertThat(run(env, InputStream.nullInputStream(), "echo", "-A", "", "x y"))
            .isEqualTo(new Result(0, "/sbin/ipvsadm -A||x y\n", ""));
        assertThat(run(InputStream.nullInputStream(), "fail")).isEqualTo(new Result(255, "", "No such service\n"));
    }

    @Test
    void socketSocketIsPrivate() throws IOException {
        assertThat(Files.getPosixFilePermissions(socket)).containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void theRequestIsCommittedBeforeTheClientGetsItsStatus() {
        committedBeforeExit.set(false);
        assertThat(run(InputStream.nullInputStream(), "echo").status()).isZero();
        assertThat(committedBeforeExit).isTrue();
    }

    @Test
    void stdinIsNeverTouchedUnlessTheCommandReadsIt() {
        InputStream blocksForever = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("stdin read by a command that does not need it");
            }
        };
        assertThat(run(blocksForever, "echo", "-Ln").status()).isZero();
    }

    @Test
    void largeStdinStreamsQuickly() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 110_000; i++) {
            sb.append("-a -t 198.18.0.1:80 -r 198.18.").append(i >> 8 & 255).append('.').append(i & 255).append(":80 -m\n");
        }
        byte[] input = sb.toString().getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        Result r = run(new ByteArrayInputStream(input), "count");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r).isEqualTo(new Result(0, "110000\n", ""));
        assertThat(millis).as("110,000 lines through the socket").isLessThan(2000);
    }

    @Test
    void largeOutputArrivesWhole() {
        Result r = run(InputStream.nullInputStream(), "big");
        assertThat(r.out().split("\n")).hasSize(200_000).endsWith("line 199999");
    }

    @Test
    void aCrashingRequestIsReportedAndTheServerCarriesOn() {
        Result r = run(InputStream.nullInputStream(), "boom");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("lvsd: internal error").contains("bug");
        assertThat(run(InputStream.nullInputStream(), "echo").status()).isZero();
    }

    @Test
    void garbageGetsAProtocolErrorAndRunsNothing() throws Exception {
        byte[][] garbage = {
            "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            {Frames.REQUEST, 0x7f, -1, -1, -1},                       // 2 GiB request
            {Frames.REQUEST, 0, 0, 0, 8, 'L', 'V', 'S', '9', 0, 0, 0, 1}, // wrong protocol version
            {Frames.STDIN, 0, 0, 0, 0},                                // stdin before any request
        };
        for (byte[] g : garbage) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(g));
                String reply = readAll(ch);
                assertThat(reply).contains("lvsd: protocol error").endsWith("X\0\0\0\4\0\0\0\2");
            }
        }
        assertThat(requests).hasValue(0);
        assertThat(run(InputStream.nullInputStream(), "echo").status()).isZero();
    }

    @Test
    void aSilentOrHalfSentRequestIsDroppedAfterTheTimeout() throws Exception {
        for (byte[] partial : new byte[][] {{}, {Frames.REQUEST, 0, 0, 0, 100, 'L'}}) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(partial));
                long t0 = System.nanoTime();
                readAll(ch); // returns when the server closes
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 5000L);
            }
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void aClientThatDiesMidStdinStopsTheRequestWithoutHarm() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            byte[] req = Frames.encodeRequest("ipvsadm", new String[] {"count"});
            Frames.write(ch, Frames.REQUEST, req, 0, req.length);
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
            assertThat(Frames.readHeader(ch, header)).isEqualTo(Frames.READ_STDIN);
        }
        Thread.sleep(200);
        assertThat(run(InputStream.nullInputStream(), "echo").status()).isZero();
    }

    @Test
    void noServerAndNoWayToStartOneGivesIpvsadmsInitError() {
        Map<String, String> env = Map.of("LVSD_SOCKET", dir.resolve("nothing-here.sock").toString());
        Result r = run(env, InputStream.nullInputStream(), "-Ln");
        assertThat(r.status()).isEqualTo(2);
        // as root the client tries to start lvsd (no lvs.home here, so it cannot); as a user it is refused
        assertThat(r.err()).startsWith("Can't initialize ipvs: ")
            .contains("\nAre you sure that IP Virtual Server is built in the kernel or as module?\n");
    }

    private static String readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (ch.read(b) >= 0) {
            all.write(b.array(), 0, b.position());
            b.clear();
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void optionsDeriveAPrivateStateFileForAPrivateSocket() throws Exception {
        LvsdOptions d = LvsdOptions.parse(new String[0], Map.of());
        assertThat(d.socket()).isEqualTo(Path.of("/run/lvsd/lvsd.sock"));
        assertThat(d.stateFile()).isEqualTo(Path.of("/var/lib/lvsd/state"));
        LvsdOptions p = LvsdOptions.parse(new String[] {"--socket", "/tmp/x/s"}, Map.of());
        assertThat(p.stateFile()).isEqualTo(Path.of("/tmp/x/s.state"));
        LvsdOptions e = LvsdOptions.parse(new String[] {"--state-file=/tmp/st", "--interface", "eth1"},
            Map.of("LVSD_SOCKET", "/tmp/y"));
        assertThat(e).isEqualTo(new LvsdOptions(Path.of("/tmp/y"), Path.of("/tmp/st"), List.of("eth1"), false));
        assertThat(LvsdOptions.parse(new String[] {"--control-only"}, Map.of()).controlOnly()).isTrue();
    }
}
