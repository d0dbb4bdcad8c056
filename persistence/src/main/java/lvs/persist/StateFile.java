package lvs.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The state file on disk. {@link #save} is atomic and durable: write a temp file in the same
 * directory, fsync it, rename it over the old file, fsync the directory. A crash at any point
 * leaves either the old complete file or the new complete file (plus perhaps a stale temp file,
 * which the next save overwrites).
 */
public final class StateFile {
    private final Path path;
    private final Path temp;

    public StateFile(Path path) {
        this.path = path.toAbsolutePath();
        this.temp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
    }

    public Path path() {
        return path;
    }

    /** The saved state; empty when there is no file yet (first start). */
    public Optional<StateSnapshot> load() throws IOException, CorruptStateFileException {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(StateFileFormat.decode(data, path));
    }

    public void save(StateSnapshot snapshot) throws IOException {
        byte[] data = StateFileFormat.encode(snapshot);
        Path dir = path.getParent();
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // the rename itself is only durable once the directory entry is on disk
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
