package lvs.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import lvs.cli.protocol.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's Unix socket through the JDK's libattach ({@link LibattachBridge}), against a server on
 * the JDK's own Unix-domain channel: bytes both ways, end of stream, the system's error messages, and
 * (in a child JVM per JDK found on this machine) that a real client run never initialises the JDK
 * classes this transport exists to avoid.
 */
@Timeout(120)
class LibattachChannelTest {
    @TempDir
    Path dir;

    private ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    private static UnixSocketCalls calls() {
        UnixSocketCalls calls = LibattachBridge.calls();
        assertThat(calls).as("libattach bridge on JDK %s", Runtime.version()).isNotNull();
        return calls;
    }

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 11));
        }
        return b;
    }

    private static long crc(byte[] b, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, len);
        return crc.getValue();
    }

    @Test
    void bytesTravelBothWaysAndTheEndOfStreamReadsAsMinusOne() throws Exception {
        Path socket = dir.resolve("s");
        byte[] up = pattern(1_000_003, 7);     // not a multiple of libattach's 128-byte steps
        byte[] down = pattern(3_000_017, 11);
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(up.length);
                    Frames.readFully(peer, in, false);
                    ByteBuffer out = ByteBuffer.wrap(down);
                    while (out.hasRemaining()) {
                        peer.write(out);
                    }
                    return crc(in.array(), in.position());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (LibattachChannel ch = LibattachChannel.connect(calls(), socket.toString())) {
                // a buffer with an array offset, written from its middle
                ByteBuffer src = ByteBuffer.wrap(new byte[up.length + 10], 5, up.length).slice();
                src.put(up).flip();
                assertThat(ch.write(src)).isEqualTo(up.length);
                assertThat(src.hasRemaining()).isFalse();

                byte[] got = new byte[down.length];
                ByteBuffer dst = ByteBuffer.wrap(got);
                int reads = 0;
                int n;
                while ((n = ch.read(dst)) > 0) {
                    assertThat(n).isLessThanOrEqualTo(128);
                    reads++;
                    if (!dst.hasRemaining()) {
                        break;
                    }
                }
                assertThat(dst.position()).isEqualTo(down.length);
                assertThat(got).isEqualTo(down);
                assertThat(reads).isGreaterThanOrEqualTo(down.length / 128);
                assertThat(ch.read(ByteBuffer.allocate(16))).as("end of stream").isEqualTo(-1);
                assertThat(ch.read(ByteBuffer.allocate(0))).as("nothing asked, nothing read").isZero();
                assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(crc(up, up.length));
            }
        }
    }

    @Test
    void aClosedChannelRefusesFurtherUse() throws Exception {
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = listen(socket)) {
            LibattachChannel ch = LibattachChannel.connect(calls(), socket.toString());
            try (SocketChannel peer = server.accept()) {
                assertThat(ch.isOpen()).isTrue();
                ch.close();
                ch.close(); // twice is harmless
                assertThat(ch.isOpen()).isFalse();
                assertThat(peer.read(ByteBuffer.allocate(8))).as("the peer sees the close").isEqualTo(-1);
                assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(8))).isInstanceOf(ClosedChannelException.class);
                assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(8))).isInstanceOf(ClosedChannelException.class);
            }
        }
    }

    @Test
    void connectFailuresCarryTheSystemsMessage() throws Exception {
        UnixSocketCalls calls = calls();
        assertThatThrownBy(() -> LibattachChannel.connect(calls, dir.resolve("missing").toString()))
            .isInstanceOf(IOException.class).hasMessage("No such file or directory");
        Path stale = dir.resolve("stale");
        listen(stale).close(); // the socket file stays, nobody listens
        assertThat(stale).exists();
        assertThatThrownBy(() -> LibattachChannel.connect(calls, stale.toString()))
            .isInstanceOf(IOException.class).hasMessage("Connection refused");
        // a path that names no socket, through the client's own entry point
        Path regular = Files.createFile(dir.resolve("not-a-socket"));
        assertThatThrownBy(() -> IpvsadmClient.connectTo(regular.toString()))
            .isInstanceOf(IOException.class).hasMessage("Connection refused");
    }

    @Test
    void onlyShortAsciiPathsTakeThisWay() {
        assertThat(LibattachChannel.fits("/run/lvsd/lvsd.sock")).isTrue();
        assertThat(LibattachChannel.fits("/" + "a".repeat(106))).isTrue();
        assertThat(LibattachChannel.fits("/" + "a".repeat(107))).as("108 bytes: libattach would cut it").isFalse();
        assertThat(LibattachChannel.fits("/tmp/lvsd-é.sock")).isFalse();
        assertThat(LibattachChannel.fits("/tmp/a\0b")).isFalse();
        assertThat(LibattachChannel.fits("")).isFalse();
    }

    @Test
    void aPathTooLongForLibattachStillConnectsThroughTheJdk() throws Exception {
        // sun_path holds 107 bytes, so a longer path cannot name a socket at all: both ways must fail,
        // and the JDK's channel (which checks the length) is the one that answers.
        String tooLong = dir.resolve("x".repeat(Math.max(1, 120 - dir.toString().length()))).toString();
        assertThat(LibattachChannel.fits(tooLong)).isFalse();
        // libattach would cut the path and report the cut one missing ("No such file or directory")
        assertThatThrownBy(() -> IpvsadmClient.connectTo(tooLong)).isInstanceOf(java.net.SocketException.class)
            .hasMessage("Unix domain path too long");
    }

    @Test
    void theBridgeClassIsWhatItsDocumentationSays() throws Exception {
        Class<?> bridge = calls().getClass();
        assertThat(bridge.getName()).isEqualTo(LibattachBridge.CLASS_NAME);
        assertThat(bridge.getClassLoader()).isNotSameAs(LibattachBridge.class.getClassLoader());
        assertThat(bridge.getModule().isNamed()).isFalse();
        List<String> natives = new ArrayList<>();
        for (java.lang.reflect.Method m : bridge.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isNative(m.getModifiers())) {
                assertThat(java.lang.reflect.Modifier.isStatic(m.getModifiers())).as(m.getName()).isTrue();
                natives.add(m.getName());
            }
        }
        assertThat(natives).containsExactlyInAnyOrder("socket", "connect", "read", "write", "close");
    }

    /**
     * A real client run in a child JVM, for this JDK and every other one installed here: same output,
     * and none of the classes whose start-up cost the transport avoids (SecureRandom and the security
     * providers behind UnixDomainSockets, classes spun for an invokedynamic string concatenation).
     */
    @Test
    void aClientRunLoadsNeitherTheSecurityProvidersNorUnixDomainSockets() throws Exception {
        List<Path> jdks = new ArrayList<>();
        jdks.add(Path.of(System.getProperty("java.home")));
        try (var others = Files.list(Path.of("/usr/lib/jvm"))) {
            others.filter(p -> Files.isExecutable(p.resolve("bin/java")) && Files.isRegularFile(p.resolve("release")))
                .filter(p -> !p.toAbsolutePath().normalize().equals(jdks.get(0).toAbsolutePath().normalize()))
                .filter(p -> !Files.isSymbolicLink(p))
                .forEach(jdks::add);
        } catch (IOException noOthers) {
            // only this JDK
        }
        String classes = Path.of(IpvsadmClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        for (Path jdk : jdks) {
            Path socket = dir.resolve("lvsd-" + jdks.indexOf(jdk) + ".sock");
            Path classLog = dir.resolve("classes-" + jdks.indexOf(jdk) + ".log");
            try (ServerSocketChannel server = listen(socket)) {
                CompletableFuture<List<String>> request = CompletableFuture.supplyAsync(() -> answerOnce(server));
                List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/java").toString()));
                if (featureVersion(jdk) >= 22) {
                    // what bin/ipvsadm's -jar and the jar's manifest do, and the launcher's word for it
                    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-D" + LibattachBridge.NATIVE_ACCESS_PROPERTY + "=ALL-UNNAMED"));
                }
                cmd.addAll(List.of("-Xshare:auto", "-Xlog:class+load=info:file=" + classLog, "-Dlvs.env=launcher",
                    "-Dlvs.env.LVSD_SOCKET=" + socket, "-cp", classes, IpvsadmClient.class.getName(), "-Ln"));
                Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                byte[] out = p.getInputStream().readAllBytes();
                byte[] err = p.getErrorStream().readAllBytes();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String on = "on " + jdk;
                assertThat(new String(err, StandardCharsets.UTF_8)).as("stderr " + on).isEmpty();
                assertThat(new String(out, StandardCharsets.UTF_8)).as("stdout " + on).isEqualTo("listed\n");
                assertThat(p.exitValue()).as("status " + on).isEqualTo(3);
                assertThat(request.get(30, TimeUnit.SECONDS)).containsExactly("ipvsadm", "-Ln");
            }
            String loaded = Files.readString(classLog);
            assertThat(loaded).as("class log " + jdk).contains(" sun.tools.attach.VirtualMachineImpl ")
                .doesNotContain(" java.security.SecureRandom ")
                .doesNotContain(" sun.security.provider.Sun ")
                .doesNotContain(" sun.nio.ch.UnixDomainSockets ")
                // a class spun at run time: e.g. an invokedynamic string concatenation's method handles
                .doesNotContain("source: __JVM_LookupDefineClass__");
        }
    }

    private static int featureVersion(Path jdk) throws IOException {
        for (String line : Files.readAllLines(jdk.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return Integer.parseInt(v.split("[.]")[0]);
            }
        }
        throw new IOException("no JAVA_VERSION in " + jdk.resolve("release"));
    }

    /** Plays lvsd for one request: prints "listed", exits 3; returns argv0 and the arguments. */
    private static List<String> answerOnce(ServerSocketChannel server) {
        try (SocketChannel ch = server.accept()) {
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
            Frames.readHeader(ch, header);
            ByteBuffer body = ByteBuffer.allocate(header.getInt(1));
            Frames.readFully(ch, body, false);
            List<String> argv = Frames.decodeRequest(body.flip());
            byte[] text = "listed\n".getBytes(StandardCharsets.UTF_8);
            Frames.write(ch, Frames.STDOUT, text, 0, text.length);
            Frames.writeInt(ch, Frames.EXIT, 3);
            return argv;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The channel type the client hands to the protocol code. */
    @Test
    void theClientConnectsThroughLibattachUnlessToldOtherwise() throws Exception {
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = listen(socket)) {
            try (ByteChannel ch = IpvsadmClient.connectTo(socket.toString()); SocketChannel ignored = server.accept()) {
                assertThat(ch).isInstanceOf(LibattachChannel.class);
            }
            System.setProperty(IpvsadmClient.JDK_SOCKET_PROPERTY, "true");
            try (ByteChannel ch = IpvsadmClient.connectTo(socket.toString()); SocketChannel ignored = server.accept()) {
                assertThat(ch).isInstanceOf(SocketChannel.class);
            } finally {
                System.clearProperty(IpvsadmClient.JDK_SOCKET_PROPERTY);
            }
        }
    }
}
