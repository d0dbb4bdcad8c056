package lvs.cli.ipvsadm.restore;

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
    // Our own buffering: a byte at a time through BufferedInputStream (synchronized) and
    // ByteArrayOutputStream (synchronized, plus a copy per word) was 40 % of a 110,000-line -R.
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private final byte[] word = new byte[MAX_WORD_BYTES];
    private int wordLength;

    public ConfigStream(InputStream in) {
        this.in = in;
    }

    /** The next line's words (possibly none), or null at end of input. */
    public List<String> nextLine() throws IOException {
        List<String> words = new ArrayList<>();
        wordLength = 0;
        int trailingBlanks = 0;
        while (true) {
            if (position == limit && !fill()) {
                if (wordLength > 0) {
                    words.add(takeWord());
                    return words;
                }
                return !words.isEmpty() && trailingBlanks == 1 ? words : null;
            }
            int c = buffer[position++] & 0xff;
            trailingBlanks = c == ' ' || c == '\t' || c == '\r' ? trailingBlanks + 1 : 0;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (wordLength > 0) {
                    words.add(takeWord());
                }
                if (c == '\n') {
                    return words;
                }
                continue;
            }
            word[wordLength++] = (byte) c;
            if (wordLength == MAX_WORD_BYTES) {
                words.add(takeWord());
            }
        }
    }

    private String takeWord() {
        String w = new String(word, 0, wordLength, StandardCharsets.UTF_8);
        wordLength = 0;
        return w;
    }

    /** Refills the buffer; false at end of input. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
