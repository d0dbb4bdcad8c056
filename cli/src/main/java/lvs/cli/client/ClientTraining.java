package lvs.cli.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lvs.cli.protocol.Frames;

/**
 * A run of the client against a throw-away in-process peer, so that a class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}) records every class a real invocation loads. bin/ipvsadm runs it
 * once in the background (env {@code LVS_CLIENT_TRAINING=1}); it never talks to a real lvsd.
 */
final class ClientTraining {
    private ClientTraining() {
    }

    static int run() {
        try {
            Path dir = Files.createTempDirectory("lvs-client-training");
            Path sock = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(sock));
                Thread peer = new Thread(() -> answer(server));
                peer.start();
                IpvsadmClient client = new IpvsadmClient(Map.of("LVSD_SOCKET", sock.toString()),
                    new ByteArrayInputStream(new byte[] {'x', '\n'}), new ByteArrayOutputStream(),
                    new ByteArrayOutputStream());
                int rc = client.run(new String[] {"-Ln"});
                peer.join();
                return rc == 0 ? 0 : 1;
            } finally {
                Files.deleteIfExists(sock);
                Files.deleteIfExists(dir);
            }
        } catch (IOException | InterruptedException e) {
            return 1;
        }
    }

    /** Plays lvsd for one request: asks for stdin twice, writes both streams, exits 0. */
    private static void answer(ServerSocketChannel server) {
        try (SocketChannel ch = server.accept()) {
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
            Frames.readHeader(ch, header);
            ByteBuffer body = ByteBuffer.allocate(header.getInt(1));
            Frames.readFully(ch, body, false);
            Frames.decodeRequest(body.flip());
            for (int i = 0; i < 2; i++) {
                Frames.writeInt(ch, Frames.READ_STDIN, Frames.MAX_CHUNK_BYTES);
                Frames.readHeader(ch, header);
                Frames.readFully(ch, ByteBuffer.allocate(header.getInt(1)), false);
            }
            byte[] text = "IP Virtual Server version 1.2.1 (size=4096)\n".getBytes();
            Frames.write(ch, Frames.STDOUT, text, 0, text.length);
            Frames.write(ch, Frames.STDERR, text, 0, 0);
            Frames.writeInt(ch, Frames.EXIT, 0);
        } catch (IOException e) {
            // the client reports the failure
        }
    }
}
