package io.strata.fetcher.layer;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a layer, exactly as the layer's tar says (whiteout files included: their meaning belongs to
 * the union in module {@code fs}).
 *
 * @param path          normalized relative path, no leading {@code /} or {@code ./}, no {@code .}/{@code ..}
 *                      components, no trailing slash; the layer root itself is {@code ""}
 * @param type          entry kind
 * @param mode          permission bits including setuid/setgid/sticky ({@code 07777} mask)
 * @param uid           owner
 * @param gid           group
 * @param size          logical size in bytes of a regular file (for a sparse file, with its holes); 0 otherwise
 * @param mtimeSeconds  modification time, seconds since the epoch
 * @param mtimeNanos    sub-second part of the modification time (PAX {@code mtime} carries it)
 * @param linkTarget    symlink target (as written), or the hardlink's target path (normalized); else null
 * @param devMajor      device major number for char/block devices
 * @param devMinor      device minor number for char/block devices
 * @param xattrs        extended attributes, values as raw bytes (PAX {@code SCHILY.xattr.*}); never null
 * @param contentOffset where the stored content bytes begin, in the layer's uncompressed tar stream
 * @param storedSize    how many content bytes are stored there (less than {@code size} for a sparse file)
 * @param sparseMap     for a sparse file, pairs {@code (offset, length)} of the data segments in logical file
 *                      order, stored back to back from {@code contentOffset}; null for a dense file
 */
public record Entry(
        String path,
        EntryType type,
        int mode,
        long uid,
        long gid,
        long size,
        long mtimeSeconds,
        int mtimeNanos,
        String linkTarget,
        int devMajor,
        int devMinor,
        Map<String, byte[]> xattrs,
        long contentOffset,
        long storedSize,
        long[] sparseMap) {

    public Entry {
        xattrs = xattrs == null || xattrs.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new TreeMap<>(xattrs));
        if (sparseMap != null && sparseMap.length % 2 != 0) {
            throw new IllegalArgumentException("sparse map of " + path + " has an odd number of values");
        }
    }

    /** The last path component ({@code ""} for the root). */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The parent's path ({@code ""} for a top-level entry; null for the root). */
    public String parentPath() {
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    public boolean isSparse() {
        return sparseMap != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && path.equals(e.path) && type == e.type && mode == e.mode && uid == e.uid
                && gid == e.gid && size == e.size && mtimeSeconds == e.mtimeSeconds && mtimeNanos == e.mtimeNanos
                && java.util.Objects.equals(linkTarget, e.linkTarget) && devMajor == e.devMajor
                && devMinor == e.devMinor && contentOffset == e.contentOffset && storedSize == e.storedSize
                && Arrays.equals(sparseMap, e.sparseMap) && xattrsEqual(xattrs, e.xattrs);
    }

    private static boolean xattrsEqual(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var kv : a.entrySet()) {
            if (!Arrays.equals(kv.getValue(), b.get(kv.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return type + " " + path + (linkTarget != null ? " -> " + linkTarget : "") + " mode=" + Integer.toOctalString(mode)
                + " size=" + size;
    }
}
