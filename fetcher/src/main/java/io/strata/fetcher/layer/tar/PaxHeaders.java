package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.CorruptLayerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of PAX extended headers ({@code 'x'} for the next entry, {@code 'g'} for all later entries),
 * POSIX.1-2001 pax "Extended Header Format": {@code "%d %s=%s\n"} where the decimal length counts the whole
 * record. Records are parsed as bytes, never as text: values such as {@code SCHILY.xattr.security.capability}
 * are binary.
 */
final class PaxHeaders {

    private static final String SCHILY_XATTR = "SCHILY.xattr.";
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

    /** Last value of each key; an empty value deletes the key (POSIX: "the keyword shall be removed"). */
    private final Map<String, byte[]> values = new LinkedHashMap<>();
    /** PAX sparse 0.0 repeats GNU.sparse.offset / GNU.sparse.numbytes: their order is the map. */
    private final List<Long> sparsePairs = new ArrayList<>();

    /** Parses the data of one extended header. */
    static PaxHeaders parse(byte[] data, String layer, String where) throws CorruptLayerException {
        PaxHeaders pax = new PaxHeaders();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) {
                break; // some writers pad the header data with NULs
            }
            int space = pos;
            long len = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && len < Integer.MAX_VALUE) {
                len = len * 10 + (data[space] - '0');
                space++;
            }
            if (space == pos || space >= data.length || data[space] != ' ' || len <= space - pos + 1
                    || pos + len > data.length || data[(int) (pos + len - 1)] != '\n') {
                throw bad(layer, where, "malformed record at byte " + pos + " of the PAX header");
            }
            int end = (int) (pos + len - 1); // the '\n'
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end || eq == space + 1) {
                throw bad(layer, where, "PAX record at byte " + pos + " has no 'key='");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end);
            pax.add(key, value, layer, where);
            pos = end + 1;
        }
        return pax;
    }

    private void add(String key, byte[] value, String layer, String where) throws CorruptLayerException {
        if (key.equals("GNU.sparse.offset") || key.equals("GNU.sparse.numbytes")) {
            boolean isOffset = key.equals("GNU.sparse.offset");
            if (isOffset != (sparsePairs.size() % 2 == 0)) {
                throw bad(layer, where, "GNU.sparse.offset and GNU.sparse.numbytes records do not alternate");
            }
            sparsePairs.add(decimal(key, value, layer, where));
            return;
        }
        if (value.length == 0) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }

    /** This header's records over {@code global}'s: the records that make sense for every entry. */
    PaxHeaders over(PaxHeaders global) {
        if (global == null || global.values.isEmpty()) {
            return this;
        }
        PaxHeaders merged = new PaxHeaders();
        global.values.forEach((k, v) -> {
            // A global path, size or sparse map cannot describe every entry; only ownership, times, xattrs can.
            if (!k.equals("path") && !k.equals("linkpath") && !k.equals("size") && !k.startsWith("GNU.sparse.")) {
                merged.values.put(k, v);
            }
        });
        merged.values.putAll(values);
        merged.sparsePairs.addAll(sparsePairs);
        return merged;
    }

    /** Records of a later global header replace those of earlier ones. */
    void putAll(PaxHeaders later) {
        values.putAll(later.values);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String text(String key) {
        byte[] v = values.get(key);
        return v == null ? null : TarPaths.decodeExactly(v, 0, v.length);
    }

    /** A decimal value, or {@code fallback} when absent. */
    long decimal(String key, long fallback, String layer, String where) throws CorruptLayerException {
        byte[] v = values.get(key);
        return v == null ? fallback : decimal(key, v, layer, where);
    }

    List<Long> sparsePairs() {
        return sparsePairs;
    }

    /** {@code mtime} as seconds and nanoseconds: {@code [-]seconds[.fraction]}; null when absent. */
    long[] mtime(String layer, String where) throws CorruptLayerException {
        String t = text("mtime");
        if (t == null) {
            return null;
        }
        try {
            boolean negative = t.startsWith("-");
            String body = negative ? t.substring(1) : t;
            int dot = body.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? body : body.substring(0, dot));
            String fraction = dot < 0 ? "" : body.substring(dot + 1);
            if (!fraction.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException(t);
            }
            long nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
            if (negative && nanos > 0) {
                // -1.25 is 1.25 s before the epoch: -2 s + 0.75 s.
                return new long[] {-seconds - 1, 1_000_000_000L - nanos};
            }
            return new long[] {negative ? -seconds : seconds, nanos};
        } catch (NumberFormatException e) {
            throw bad(layer, where, "PAX mtime '" + t + "' is not a number of seconds");
        }
    }

    /**
     * Extended attributes: {@code SCHILY.xattr.<name>=<raw bytes>} (GNU tar, star, Go, Docker) and libarchive's
     * {@code LIBARCHIVE.xattr.<url-encoded name>=<base64 value>}. When both name one attribute (libarchive
     * writes both), SCHILY wins: it holds the bytes without an encoding step that could fail.
     */
    Map<String, byte[]> xattrs(String layer, String where) throws CorruptLayerException {
        Map<String, byte[]> out = new TreeMap<>();
        for (var kv : values.entrySet()) {
            String key = kv.getKey();
            if (key.startsWith(LIBARCHIVE_XATTR) && key.length() > LIBARCHIVE_XATTR.length()) {
                try {
                    String name = java.net.URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length())
                            .replace("+", "%2B"), StandardCharsets.UTF_8);
                    out.putIfAbsent(name, Base64.getDecoder().decode(kv.getValue()));
                } catch (IllegalArgumentException e) {
                    throw bad(layer, where, "PAX record " + key + " is not url-encoded name = base64 value");
                }
            }
        }
        for (var kv : values.entrySet()) {
            if (kv.getKey().startsWith(SCHILY_XATTR) && kv.getKey().length() > SCHILY_XATTR.length()) {
                out.put(kv.getKey().substring(SCHILY_XATTR.length()), kv.getValue());
            }
        }
        String selinux = text("RHT.security.selinux"); // Red Hat's tar spelling of one xattr
        if (selinux != null) {
            out.putIfAbsent("security.selinux", values.get("RHT.security.selinux"));
        }
        return out;
    }

    private static long decimal(String key, byte[] v, String layer, String where) throws CorruptLayerException {
        String t = new String(v, StandardCharsets.ISO_8859_1);
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(layer, where, "PAX record " + key + "='" + t + "' is not a non-negative decimal number");
        }
    }

    private static CorruptLayerException bad(String layer, String where, String problem) {
        return new CorruptLayerException(layer, null, problem + " (" + where + ")");
    }
}
