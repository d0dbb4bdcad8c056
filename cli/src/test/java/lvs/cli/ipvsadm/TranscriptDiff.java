package lvs.cli.ipvsadm;

import java.util.List;

/** A readable report of where two transcripts part: the first differing line with context, trailing blanks made visible. */
final class TranscriptDiff {
    private static final int CONTEXT = 4;

    private TranscriptDiff() {
    }

    static String describe(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        int i = 0;
        while (i < e.size() && i < a.size() && e.get(i).equals(a.get(i))) {
            i++;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("first difference at line ").append(i + 1).append('\n');
        for (int k = Math.max(0, i - CONTEXT); k < i; k++) {
            sb.append("    ").append(visible(e.get(k))).append('\n');
        }
        for (int k = i; k < Math.min(e.size(), i + CONTEXT); k++) {
            sb.append("  - ").append(visible(e.get(k))).append('\n');
        }
        for (int k = i; k < Math.min(a.size(), i + CONTEXT); k++) {
            sb.append("  + ").append(visible(a.get(k))).append('\n');
        }
        if (i >= e.size() && i >= a.size()) {
            sb.append("  (only the final newline differs)\n");
        }
        return sb.toString();
    }

    private static String visible(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end) + "\u00b7".repeat(line.length() - end) + "$";
    }
}
