package io.strata.fetcher.layer.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Crafts tar archives byte by byte, including broken ones, for tests. */
final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A ustar header; {@code tweak} edits the block before the checksum is computed. */
    TarBuilder header(String name, char type, long size, Consumer<byte[]> tweak) {
        byte[] b = new byte[512];
        put(b, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(b, 100, 8, 0644);
        octal(b, 108, 8, 1000);
        octal(b, 116, 8, 1000);
        octal(b, 124, 12, size);
        octal(b, 136, 12, 1_700_000_000L);
        b[156] = (byte) type;
        put(b, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(b, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        tweak.accept(b);
        checksum(b);
        out.writeBytes(b);
        return this;
    }

    TarBuilder header(String name, char type, long size) {
        return header(name, type, size, b -> { });
    }

    /** A regular file with content. */
    TarBuilder file(String name, byte[] content) {
        return header(name, '0', content.length).data(content);
    }

    /** A PAX 'x' header of the given records (each "key=value", as bytes). */
    TarBuilder pax(byte[]... records) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] r : records) {
            int len = r.length + 2;
            int digits = String.valueOf(len).length();
            len += digits;
            if (String.valueOf(len).length() != digits) {
                len++;
            }
            data.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
            data.writeBytes(r);
            data.write('\n');
        }
        byte[] d = data.toByteArray();
        return header("PaxHeaders/x", 'x', d.length).data(d);
    }

    static byte[] record(String key, byte[] value) {
        byte[] k = (key + "=").getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[k.length + value.length];
        System.arraycopy(k, 0, r, 0, k.length);
        System.arraycopy(value, 0, r, k.length, value.length);
        return r;
    }

    static byte[] record(String key, String value) {
        return record(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Content padded to the block size. */
    TarBuilder data(byte[] content) {
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    TarBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    TarBuilder end() {
        out.writeBytes(new byte[1024]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static void octal(byte[] b, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        put(b, off, len, (s + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    static void put(byte[] b, int off, int len, byte[] value) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        System.arraycopy(value, 0, b, off, Math.min(len, value.length));
    }

    static void checksum(byte[] b) {
        java.util.Arrays.fill(b, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        put(b, 148, 8, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
    }
}
