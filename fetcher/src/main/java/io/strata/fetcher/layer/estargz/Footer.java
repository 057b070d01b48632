package io.strata.fetcher.layer.estargz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The footer of an eStargz blob: an empty gzip member whose Extra field records where the TOC member starts
 * (docs/estargz.md, "Footer"). Two layouts exist:
 * <pre>
 *   eStargz, 51 bytes: 10 gzip header (FLG = FEXTRA) | XLEN = 26 (2, LE) | SI1 'S' SI2 'G' | LEN = 22 (2, LE)
 *                      | "%016xSTARGZ" (22) | 5 empty stored deflate block | CRC32 = 0, ISIZE = 0 (8)
 *   legacy stargz, 47: 10 gzip header | XLEN = 22 | "%016xSTARGZ" (no subfield header) | 5 | 8
 * </pre>
 * Only the header and the Extra field are checked: they are what identifies the format.
 */
final class Footer {

    static final int SIZE = 51;
    static final int LEGACY_SIZE = 47;

    private static final byte[] MAGIC = "STARGZ".getBytes(StandardCharsets.US_ASCII);
    private static final int HEX_DIGITS = 16;
    private static final int PAYLOAD = HEX_DIGITS + 6;

    /** Where the TOC starts and how long the footer is. */
    record Parsed(long tocOffset, int footerSize) {
    }

    private Footer() {
    }

    /**
     * The footer of the blob whose last bytes are {@code tail} (at least {@link #SIZE} bytes, or the whole blob
     * when it is shorter), or null when the tail is not a footer of either layout.
     */
    static Parsed parse(byte[] tail) {
        if (tail.length >= SIZE) {
            OptionalLong offset = parseAt(tail, tail.length - SIZE, true);
            if (offset.isPresent()) {
                return new Parsed(offset.getAsLong(), SIZE);
            }
        }
        if (tail.length >= LEGACY_SIZE) {
            OptionalLong offset = parseAt(tail, tail.length - LEGACY_SIZE, false);
            if (offset.isPresent()) {
                return new Parsed(offset.getAsLong(), LEGACY_SIZE);
            }
        }
        return null;
    }

    private static OptionalLong parseAt(byte[] b, int at, boolean subfield) {
        boolean gzip = (b[at] & 0xff) == 0x1f && (b[at + 1] & 0xff) == 0x8b && b[at + 2] == 8 && (b[at + 3] & 4) != 0;
        if (!gzip) {
            return OptionalLong.empty();
        }
        int xlen = u16(b, at + 10);
        int payload = at + 12;
        if (subfield) {
            if (xlen != PAYLOAD + 4 || b[payload] != 'S' || b[payload + 1] != 'G' || u16(b, payload + 2) != PAYLOAD) {
                return OptionalLong.empty();
            }
            payload += 4;
        } else if (xlen != PAYLOAD) {
            return OptionalLong.empty();
        }
        if (!Arrays.equals(b, payload + HEX_DIGITS, payload + PAYLOAD, MAGIC, 0, MAGIC.length)) {
            return OptionalLong.empty();
        }
        try {
            String hex = new String(b, payload, HEX_DIGITS, StandardCharsets.US_ASCII);
            return OptionalLong.of(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The 51-byte eStargz footer pointing at {@code tocOffset}. */
    static byte[] write(long tocOffset) {
        byte[] f = new byte[SIZE];
        f[0] = 0x1f;
        f[1] = (byte) 0x8b;
        f[2] = 8;          // CM = deflate
        f[3] = 4;          // FLG = FEXTRA
        f[9] = (byte) 0xff; // OS = unknown; MTIME and XFL stay 0
        f[10] = (byte) (PAYLOAD + 4);
        f[12] = 'S';
        f[13] = 'G';
        f[14] = (byte) PAYLOAD;
        byte[] text = String.format("%016x", tocOffset).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, f, 16, HEX_DIGITS);
        System.arraycopy(MAGIC, 0, f, 16 + HEX_DIGITS, MAGIC.length);
        // An empty final stored block: BFINAL=1 BTYPE=00, LEN=0, NLEN=0xffff. CRC32 and ISIZE of nothing are 0.
        f[38] = 1;
        f[41] = (byte) 0xff;
        f[42] = (byte) 0xff;
        return f;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
