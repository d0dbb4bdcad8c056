package lvs.cli.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One lvsd per state file: an exclusive lock on {@code STATE.lock}, held for the life of the process
 * and released by the kernel even after {@code kill -9}. Two ipvsadm calls that both start an lvsd
 * at once therefore end with one running lvsd.
 */
final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null if another process holds it. */
    static InstanceLock tryAcquire(Path stateFile) throws IOException {
        Path lockFile = stateFile.resolveSibling(stateFile.getFileName() + ".lock");
        Files.createDirectories(lockFile.getParent());
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            return null;
        }
        return new InstanceLock(ch, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
