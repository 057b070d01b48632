package io.strata.fetcher.layer.write;

import io.strata.fetcher.layer.DigestingOutputStream;
import io.strata.fetcher.layer.estargz.EStargzWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a new layer blob from entries, reproducibly (see the package documentation): {@link LayerEncoding#GZIP}
 * streams the tar through one gzip stream straight into the blob file; {@link LayerEncoding#ESTARGZ} spools the
 * tar to {@code workDir} and hands it to {@link EStargzWriter} (default chunk size, no prioritized files), so the
 * layer has the TOC, footer and landmark every eStargz reader expects.
 */
public final class LayerWriter {

    /** zlib's default level, written out: fixed, so that the same tar always compresses to the same bytes. */
    public static final int GZIP_LEVEL = 6;

    private LayerWriter() {
    }

    /**
     * Writes {@code entries} as a layer blob into {@code blob} (created or truncated).
     *
     * @param workDir where the eStargz encoding spools the uncompressed tar (removed afterwards)
     * @throws IllegalArgumentException when the entries break the writer's rules (order, hardlinks, paths)
     * @throws IOException              when a file's content cannot be read or changed size while being read
     */
    public static WrittenLayer write(List<NewEntry> entries, LayerEncoding encoding, Path blob, Path workDir)
            throws IOException {
        return switch (encoding) {
            case GZIP -> gzip(entries, blob);
            case ESTARGZ -> estargz(entries, blob, workDir);
        };
    }

    private static WrittenLayer gzip(List<NewEntry> entries, Path blob) throws IOException {
        TarStream.Written tar;
        DigestingOutputStream counted;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 16)) {
            counted = new DigestingOutputStream(file);
            FixedGzipOutputStream gzip = new FixedGzipOutputStream(counted);
            tar = TarStream.write(entries, gzip);
            gzip.finish();
            counted.flush();
        }
        return new WrittenLayer(LayerEncoding.GZIP, counted.digest(), counted.count(), tar.diffId(), tar.size(),
                tar.entries(), Map.of());
    }

    private static WrittenLayer estargz(List<NewEntry> entries, Path blob, Path workDir) throws IOException {
        Path tarFile = Files.createTempFile(workDir, "commit-", ".tar");
        try {
            TarStream.Written tar;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tarFile), 1 << 16)) {
                tar = TarStream.write(entries, out);
            }
            EStargzWriter.Result r;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 16)) {
                r = new EStargzWriter().write(tarFile, out);
            }
            return new WrittenLayer(LayerEncoding.ESTARGZ, r.blobDigest(), r.blobSize(), r.diffId(),
                    r.uncompressedSize(), tar.entries(), r.annotations());
        } finally {
            Files.deleteIfExists(tarFile);
        }
    }

    /**
     * gzip with what {@link GZIPOutputStream} always writes (no file name, mtime 0, no extra fields) and a level set
     * here rather than left to a default.
     */
    private static final class FixedGzipOutputStream extends GZIPOutputStream {
        FixedGzipOutputStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(GZIP_LEVEL);
        }
    }
}
