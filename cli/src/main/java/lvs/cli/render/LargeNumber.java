package lvs.cli.render;

/** ipvsadm's {@code print_largenum}: a 9-column counter, scaled to K/M/G/T unless {@code --exact}. */
final class LargeNumber {
    private LargeNumber() {
    }

    /** @param value an unsigned 64-bit counter */
    static void append(StringBuilder out, long value, boolean exact) {
        if (exact) {
            String digits = Long.toUnsignedString(value);
            Text.padLeft(out, digits, digits.length() > 8 ? digits.length() + 1 : 9);
            return;
        }
        if (Long.compareUnsigned(value, 100_000_000L) < 0) {
            Text.padLeft(out, Long.toUnsignedString(value), 9);
        } else if (Long.compareUnsigned(value, 1_000_000_000L) < 0) {
            scaled(out, value, 1_000L, 'K');
        } else if (Long.compareUnsigned(value, 100_000_000_000L) < 0) {
            scaled(out, value, 1_000_000L, 'M');
        } else if (Long.compareUnsigned(value, 100_000_000_000_000L) < 0) {
            scaled(out, value, 1_000_000_000L, 'G');
        } else {
            scaled(out, value, 1_000_000_000_000L, 'T');
        }
    }

    private static void scaled(StringBuilder out, long value, long unit, char suffix) {
        Text.padLeft(out, Long.toUnsignedString(Long.divideUnsigned(value, unit)), 8);
        out.append(suffix);
    }
}
