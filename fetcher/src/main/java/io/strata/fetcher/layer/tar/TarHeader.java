package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.CorruptLayerException;

/**
 * One 512-byte tar header block, decoded (POSIX.1-1988 ustar layout, with the v7 and old GNU variants).
 *
 * <pre>
 *   offset size field         offset size field (ustar)      offset size field (old GNU, instead of prefix)
 *   0      100  name          257    6    magic              345    12   atime
 *   100    8    mode          263    2    version            357    12   ctime
 *   108    8    uid           265    32   uname              369    12   offset (multi-volume)
 *   116    8    gid           297    32   gname              386    4x24 sparse (offset 12, numbytes 12)
 *   124    12   size          329    8    devmajor           482    1    isextended
 *   136    12   mtime         337    8    devminor           483    12   realsize
 *   148    8    chksum        345    155  prefix
 *   156    1    typeflag
 *   157    100  linkname
 * </pre>
 */
final class TarHeader {

    /** Which header dialect the magic announces. */
    enum Dialect { V7, USTAR, GNU }

    static final int GNU_SPARSE_OFFSET = 386;
    static final int GNU_SPARSE_ENTRIES = 4;
    static final int GNU_IS_EXTENDED = 482;
    static final int GNU_REAL_SIZE = 483;

    final long offset;
    final Dialect dialect;
    final byte typeflag;
    /** The name field, or prefix + "/" + name for ustar. */
    final String name;
    final String linkName;
    final int mode;
    final long uid;
    final long gid;
    final long size;
    final long mtime;
    final int devMajor;
    final int devMinor;
    final byte[] block;

    private TarHeader(byte[] block, long offset, String layer) throws CorruptLayerException {
        this.block = block.clone();
        this.offset = offset;
        this.dialect = dialectOf(block);
        String bare = TarPaths.decode(block, 0, 100);
        String prefix = dialect == Dialect.USTAR ? TarPaths.decode(block, 345, 155) : "";
        this.name = prefix.isEmpty() ? bare : prefix + "/" + bare;
        verifyChecksum(block, offset, layer, name);
        this.typeflag = block[156];
        this.linkName = TarPaths.decode(block, 157, 100);
        this.mode = (int) number(block, 100, 8, "mode", layer) & 07777;
        this.uid = number(block, 108, 8, "uid", layer);
        this.gid = number(block, 116, 8, "gid", layer);
        this.size = number(block, 124, 12, "size", layer);
        this.mtime = number(block, 136, 12, "mtime", layer);
        boolean hasDevices = dialect != Dialect.V7;
        this.devMajor = hasDevices ? (int) number(block, 329, 8, "devmajor", layer) : 0;
        this.devMinor = hasDevices ? (int) number(block, 337, 8, "devminor", layer) : 0;
        if (size < 0) {
            throw corrupt(layer, "negative size " + size);
        }
    }

    /** Decodes a header block that is not all zeros. */
    static TarHeader parse(byte[] block, long offset, String layer) throws CorruptLayerException {
        return new TarHeader(block, offset, layer);
    }

    static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    CorruptLayerException corrupt(String layer, String problem) {
        return new CorruptLayerException(layer, name, "tar header at offset " + offset + ": " + problem);
    }

    /** A numeric field of this header block (old GNU sparse fields included). */
    long number(int off, int len, String field, String layer) throws CorruptLayerException {
        return number(block, off, len, field, layer);
    }

    private long number(byte[] b, int off, int len, String field, String layer) throws CorruptLayerException {
        try {
            return parseNumber(b, off, len);
        } catch (NumberFormatException e) {
            throw corrupt(layer, "field '" + field + "' " + e.getMessage());
        }
    }

    /**
     * A numeric field: octal text (leading spaces, ended by NUL or space), or GNU base-256 when the first byte
     * has its high bit set (0x80 positive, 0xff negative two's complement; used for uid, size, mtime that do
     * not fit in octal).
     */
    static long parseNumber(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            boolean negative = (b[off] & 0x40) != 0;
            int invert = negative ? 0xff : 0;
            long value = 0;
            for (int i = 0; i < len; i++) {
                int c = (b[off + i] ^ invert) & 0xff;
                if (i == 0) {
                    c &= 0x7f;
                }
                if ((value >>> 55) != 0) {
                    throw new NumberFormatException("holds a base-256 number too large for 63 bits");
                }
                value = value << 8 | c;
            }
            return negative ? ~value : value;
        }
        int i = off;
        int end = off + len;
        while (i < end && b[i] == ' ') {
            i++;
        }
        long value = 0;
        for (; i < end && b[i] != 0 && b[i] != ' '; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 7) {
                throw new NumberFormatException("is not an octal number: '"
                        + TarPaths.decode(b, off, len).trim() + "'");
            }
            if ((value >>> 60) != 0) {
                throw new NumberFormatException("holds an octal number too large for 63 bits");
            }
            value = value << 3 | digit;
        }
        return value;
    }

    private static Dialect dialectOf(byte[] b) {
        boolean ustar = b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
        if (!ustar) {
            return Dialect.V7;
        }
        // POSIX writes "ustar\0" "00"; old GNU tar writes "ustar " " \0" and uses the prefix area for other fields.
        return b[262] == ' ' ? Dialect.GNU : Dialect.USTAR;
    }

    /**
     * The checksum is the sum of the header's bytes with the checksum field read as eight spaces. POSIX says
     * unsigned bytes; some historic tars summed signed bytes, so either is accepted.
     */
    private static void verifyChecksum(byte[] b, long offset, String layer, String name) throws CorruptLayerException {
        long stored;
        try {
            stored = parseNumber(b, 148, 8);
        } catch (NumberFormatException e) {
            throw new CorruptLayerException(layer, name, "tar header at offset " + offset
                    + ": the checksum field " + e.getMessage() + " (this is not a tar header, or the archive is corrupt)");
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < 512; i++) {
            int v = i >= 148 && i < 156 ? ' ' : b[i];
            unsigned += v & 0xff;
            signed += v;
        }
        if (stored != unsigned && stored != signed) {
            throw new CorruptLayerException(layer, name, "tar header at offset " + offset + " has checksum " + stored
                    + " but its bytes sum to " + unsigned + " (this is not a tar header, or the archive is corrupt)");
        }
    }
}
