package io.strata.fetcher.layer.gzindex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.fetcher.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints what an index costs (size, build time against plain gunzip); asserts only that both saw the same bytes. */
class CheckpointIndexCostTest {

    @TempDir
    Path dir;

    @Test
    void build_realLayer_printsSizeAndOverhead() throws Exception {
        byte[] gz = GzipFixtures.tarGz(dir, GzipFixtures.tree(dir, 11));
        Digest digest = Digest.sha256(gz);
        long plainBytes = 0;
        long indexedBytes = 0;
        long plainNanos = Long.MAX_VALUE;
        long indexedNanos = Long.MAX_VALUE;
        CheckpointIndex index = null;
        for (int round = 0; round < 5; round++) { // best of five: the first rounds warm the JIT
            long t0 = System.nanoTime();
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
                plainBytes = in.transferTo(OutputStream.nullOutputStream());
            }
            long t1 = System.nanoTime();
            try (InputStream in = new IndexingGzipInputStream(new ByteArrayInputStream(gz), digest,
                    CheckpointIndexBuilder.DEFAULT_SPAN_SIZE)) {
                indexedBytes = in.transferTo(OutputStream.nullOutputStream());
                index = ((IndexingGzipInputStream) in).finish();
            }
            long t2 = System.nanoTime();
            plainNanos = Math.min(plainNanos, t1 - t0);
            indexedNanos = Math.min(indexedNanos, t2 - t1);
        }
        assertEquals(plainBytes, indexedBytes);
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        index.writeTo(serialized);
        System.out.printf("gzip checkpoint index: layer %d bytes compressed, %d uncompressed; %d checkpoints of %d MiB;"
                        + " index %d bytes (%.2f%% of the blob)%n", gz.length, plainBytes, index.checkpointCount(),
                index.spanSize() >> 20, serialized.size(), 100.0 * serialized.size() / gz.length);
        System.out.printf("gzip checkpoint index: GZIPInputStream %.1f ms, indexing stream %.1f ms (x%.2f)%n",
                plainNanos / 1e6, indexedNanos / 1e6, (double) indexedNanos / plainNanos);
    }
}
