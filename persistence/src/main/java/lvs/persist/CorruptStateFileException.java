package lvs.persist;

import java.nio.file.Path;

/** The state file exists but is not a complete, intact file this version can read: refuse, never half-load. */
public final class CorruptStateFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptStateFileException(Path file, String why) {
        super(file + ": " + why);
    }
}
