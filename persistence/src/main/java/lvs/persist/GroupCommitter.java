package lvs.persist;

import java.io.IOException;

/**
 * Group commit of the table to its state file. The table counts its successful changes (its
 * generation); {@link #commit()} saves when that count moved since the last save. lvsd calls it
 * before a client may see its exit status (so a reported success is durable), and about once a
 * second from a timer, so that a long {@code -R} is saved now and then rather than after every
 * line (a save of a big table costs milliseconds; a 110,000-line restore must take about a second).
 */
public final class GroupCommitter {
    /** The table as the committer sees it. */
    public interface Source {
        /** Changes so far; read before {@link #capture()}, so a capture holds at least that many. */
        long generation();

        StateSnapshot capture();
    }

    private final StateFile file;
    private final Source source;
    private long persistedGeneration = -1;
    private long saves;

    public GroupCommitter(StateFile file, Source source) {
        this.file = file;
        this.source = source;
    }

    /** Declares the table's current content already on disk (just restored from the file). */
    public synchronized void assumeSaved() {
        persistedGeneration = source.generation();
    }

    /** Saves every change made so far, by whichever client; returns at once if there is none. */
    public synchronized void commit() throws IOException {
        long upTo = source.generation();
        if (upTo == persistedGeneration) {
            return;
        }
        file.save(source.capture());
        persistedGeneration = upTo;
        saves++;
    }

    /** How many times the file was written (for tests and logs). */
    public synchronized long saves() {
        return saves;
    }

    public StateFile file() {
        return file;
    }
}
