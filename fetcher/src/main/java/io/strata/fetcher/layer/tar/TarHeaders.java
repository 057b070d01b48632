package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes the tar header of one entry for the writers ({@code EStargzWriter}, {@code LayerWriter}): a POSIX
 * ustar header, preceded by a PAX extended header ({@code 'x'}) when a value does not fit ustar (long or
 * non-ASCII names, big ids, sizes or times, sub-second mtime) or cannot be said in ustar at all (xattrs, as
 * {@code SCHILY.xattr.*} with their raw bytes). Written by hand rather than with commons-compress because the writer must control exactly which
 * gzip member every byte lands in, and PAX values here are bytes, not text.
 *
 * <p>The encoding is a pure function of the entry (no user or group names, no atime/ctime, fixed PAX header
 * names), so equal entries give equal bytes: what reproducible layers rely on.
 */
public final class TarHeaders {

    /** Tar block size: headers and content padding come in blocks of this many bytes. */
    public static final int BLOCK = 512;

    private static final long MAX_OCTAL_7 = 07777777L;
    private static final long MAX_OCTAL_11 = 077777777777L;

    private TarHeaders() {
    }

    /** The tar name of {@code e}: its path, with a trailing {@code /} for a directory ({@code ./} for the root). */
    public static String tarName(Entry e) {
        if (e.type() == EntryType.DIRECTORY) {
            return e.path().isEmpty() ? "./" : e.path() + "/";
        }
        return e.path();
    }

    /** The header blocks of {@code e} whose content will be {@code size} bytes. */
    public static byte[] encode(Entry e, long size) {
        String name = tarName(e);
        Map<String, byte[]> pax = new LinkedHashMap<>();
        byte[] nameBytes = utf8(name);
        if (nameBytes.length > 100 || !isAscii(name)) {
            pax.put("path", nameBytes);
        }
        String link = e.type() == EntryType.SYMLINK || e.type() == EntryType.HARDLINK ? e.linkTarget() : null;
        if (link != null && (utf8(link).length > 100 || !isAscii(link))) {
            pax.put("linkpath", utf8(link));
        }
        if (e.uid() > MAX_OCTAL_7) {
            pax.put("uid", ascii(Long.toString(e.uid())));
        }
        if (e.gid() > MAX_OCTAL_7) {
            pax.put("gid", ascii(Long.toString(e.gid())));
        }
        if (size > MAX_OCTAL_11) {
            pax.put("size", ascii(Long.toString(size)));
        }
        if (e.mtimeNanos() != 0 || e.mtimeSeconds() < 0 || e.mtimeSeconds() > MAX_OCTAL_11) {
            pax.put("mtime", ascii(e.mtimeSeconds() + (e.mtimeNanos() != 0 ? String.format(".%09d", e.mtimeNanos()) : "")));
        }
        for (var kv : e.xattrs().entrySet()) {
            pax.put("SCHILY.xattr." + kv.getKey(), kv.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(pax.isEmpty() ? BLOCK : 4 * BLOCK);
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            String paxName = "PaxHeaders.0/" + e.name();
            out.writeBytes(ustar(truncate(paxName), (byte) 'x', 0644, 0, 0, records.length, 0, "", 0, 0));
            out.writeBytes(records);
            out.writeBytes(new byte[padding(records.length)]);
        }
        long mtime = Math.max(0, Math.min(MAX_OCTAL_11, e.mtimeSeconds()));
        out.writeBytes(ustar(truncate(name), typeflag(e.type()), e.mode() & 07777, Math.min(e.uid(), MAX_OCTAL_7),
                Math.min(e.gid(), MAX_OCTAL_7), Math.min(size, MAX_OCTAL_11), mtime, link == null ? "" : truncate(link),
                e.devMajor(), e.devMinor()));
        return out.toByteArray();
    }

    /** Zero bytes that complete a content of {@code length} bytes to whole blocks. */
    public static int padding(long length) {
        return (int) ((BLOCK - length % BLOCK) % BLOCK);
    }

    private static byte[] ustar(String name, byte type, int mode, long uid, long gid, long size, long mtime,
                                String link, int devMajor, int devMinor) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, utf8(name));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = type;
        put(h, 157, 100, utf8(link));
        put(h, 257, 6, ascii("ustar\0"));
        put(h, 263, 2, ascii("00"));
        if (type == '3' || type == '4') {
            octal(h, 329, 8, devMajor & 07777777);
            octal(h, 337, 8, devMinor & 07777777);
        }
        // The checksum is computed with its own field read as eight spaces (POSIX ustar).
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = ascii(String.format("%06o", sum));
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** PAX records {@code "<len> <key>=<value>\n"}, where {@code len} counts the whole record, itself included. */
    private static byte[] paxRecords(Map<String, byte[]> pax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (var kv : pax.entrySet()) {
            int rest = 1 + utf8(kv.getKey()).length + 1 + kv.getValue().length + 1; // ' ' key '=' value '\n'
            int len = rest + 1;
            while (len != rest + Integer.toString(len).length()) {
                len = rest + Integer.toString(len).length();
            }
            out.writeBytes(utf8(len + " " + kv.getKey() + "="));
            out.writeBytes(kv.getValue());
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static byte typeflag(EntryType type) {
        return (byte) switch (type) {
            case FILE -> '0';
            case HARDLINK -> '1';
            case SYMLINK -> '2';
            case CHAR_DEVICE -> '3';
            case BLOCK_DEVICE -> '4';
            case DIRECTORY -> '5';
            case FIFO -> '6';
        };
    }

    /** What goes in a 100-byte ustar field when the real value is in a PAX record: an ASCII-safe prefix. */
    private static String truncate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x80 ? c : '_');
        }
        return b.toString();
    }

    private static void octal(byte[] h, int at, int width, long value) {
        byte[] digits = ascii(String.format("%0" + (width - 1) + "o", value));
        System.arraycopy(digits, 0, h, at, width - 1);
    }

    private static void put(byte[] h, int at, int max, byte[] value) {
        System.arraycopy(value, 0, h, at, Math.min(max, value.length));
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c > 0 && c < 0x80);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
