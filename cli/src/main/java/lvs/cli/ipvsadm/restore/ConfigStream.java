package lvs.cli.ipvsadm.restore;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * ipvsadm's {@code config_stream_read}: splits stdin into lines of words. Words are separated by space,
 * tab and CR; a newline ends the line. There is no quoting, escaping or comment syntax. A word longer
 * than 4096 bytes is cut into pieces. At end of input an unterminated last line is still run if it
 * ends inside a word or after a single blank; after two or more blanks the real tool drops it
 * (observed with the real binary: {@code "rr\t"} runs, {@code "rr \t"} and {@code "rr  "} do not).
 */
public final class ConfigStream {
    /** {@code MAX_LINE_LENGTH} of config_stream.c: the longest single word. */
    static final int MAX_WORD_BYTES = 4096;

    private final InputStream in;

    public ConfigStream(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next line's words (possibly none), or null at end of input. */
    public List<String> nextLine() throws IOException {
        List<String> words = new ArrayList<>();
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        int trailingBlanks = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (word.size() > 0) {
                    words.add(word.toString(StandardCharsets.UTF_8));
                    return words;
                }
                return !words.isEmpty() && trailingBlanks == 1 ? words : null;
            }
            trailingBlanks = c == ' ' || c == '\t' || c == '\r' ? trailingBlanks + 1 : 0;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (word.size() > 0) {
                    words.add(word.toString(StandardCharsets.UTF_8));
                    word.reset();
                }
                if (c == '\n') {
                    return words;
                }
                continue;
            }
            word.write(c);
            if (word.size() == MAX_WORD_BYTES) {
                words.add(word.toString(StandardCharsets.UTF_8));
                word.reset();
            }
        }
    }
}
