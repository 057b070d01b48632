package io.strata.fs.pull;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.tar.TarIndexer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A layer tar written entry by entry in tar order (with Commons Compress, an independent writer), saved to a file
 * and indexed by the fetcher's reader: what a snapshot holds. Names are written exactly as given (absolute and
 * {@code ..} paths included), so hostile layers can be crafted.
 */
final class TarFixture {
    static final long MTIME = 1_000_000_000L; // 2001-09-09

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);
    /** For the next entry only: extended attributes (name, value) and mtime (-1: {@link #MTIME}). */
    private final List<String[]> nextXattrs = new ArrayList<>();
    private long nextMtime = -1;

    TarFixture() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarFixture dir(String name) throws IOException {
        return dir(name, 0755);
    }

    TarFixture dir(String name, int mode) throws IOException {
        TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        return put(e, null);
    }

    TarFixture file(String name, String content) throws IOException {
        return file(name, content, 0644, 0, 0);
    }

    TarFixture file(String name, String content, int mode, int uid, int gid) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setIds(uid, gid);
        return put(e, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A whiteout is an empty regular file; only its name says what it does. */
    TarFixture whiteout(String name) throws IOException {
        return file(name, "");
    }

    TarFixture symlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        return put(e, null);
    }

    TarFixture hardlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    TarFixture device(String name, byte type, int major, int minor) throws IOException {
        TarArchiveEntry e = entry(name, type);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(0620);
        return put(e, null);
    }

    /** Gives the next entry an extended attribute (a PAX {@code SCHILY.xattr.} record). */
    TarFixture nextXattr(String name, String value) {
        nextXattrs.add(new String[] {name, value});
        return this;
    }

    /** Gives the next entry this mtime instead of {@link #MTIME}. */
    TarFixture nextMtime(long seconds) {
        nextMtime = seconds;
        return this;
    }

    private TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true); // true: keep absolute names as written
        e.setModTime((nextMtime >= 0 ? nextMtime : MTIME) * 1000);
        for (String[] x : nextXattrs) {
            e.addPaxHeader("SCHILY.xattr." + x[0], x[1]);
        }
        nextXattrs.clear();
        nextMtime = -1;
        return e;
    }

    private TarFixture put(TarArchiveEntry e, byte[] content) throws IOException {
        if (content != null) {
            e.setSize(content.length);
        }
        tar.putArchiveEntry(e);
        if (content != null) {
            tar.write(content);
        }
        tar.closeArchiveEntry();
        return this;
    }

    /** Finishes the archive, writes it to {@code file} and indexes it. */
    Layer save(Path file) throws IOException {
        tar.finish();
        Files.write(file, bytes.toByteArray());
        try (InputStream in = Files.newInputStream(file)) {
            Digest digest = Digest.sha256(bytes.toByteArray());
            return new Layer(file, new LayerIndex(digest, digest, TarIndexer.readAll(in, file.getFileName().toString())));
        }
    }

    /** A saved layer: its tar file and index. */
    record Layer(Path tar, LayerIndex index) {
        static List<Path> tars(List<Layer> layers) {
            return layers.stream().map(Layer::tar).toList();
        }

        static List<LayerIndex> indexes(List<Layer> layers) {
            return layers.stream().map(Layer::index).toList();
        }
    }
}
