package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/** Real gzip layers made by GNU tar and gzip, and an in-memory blob source that counts range requests. */
final class GzipFixtures {

    private GzipFixtures() {
    }

    /**
     * A directory of about 9 MiB, then {@code tar | gzip}:
     * <pre>
     *   random.bin   3 MiB of random bytes (stored blocks)
     *   text.txt     ~5 MiB of repetitive text (long matches across block boundaries)
     *   small/f0..f49  small mixed files
     * </pre>
     */
    static Path tree(Path dir, long seed) throws IOException {
        Path root = Files.createDirectories(dir.resolve("tree"));
        Random random = new Random(seed);
        byte[] rnd = new byte[3 << 20];
        random.nextBytes(rnd);
        Files.write(root.resolve("random.bin"), rnd);
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 5 << 20; i++) {
            text.append("line ").append(i).append(" of the layer, word").append(random.nextInt(1000)).append('\n');
        }
        Files.writeString(root.resolve("text.txt"), text);
        Path small = Files.createDirectories(root.resolve("small"));
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[random.nextInt(40_000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (j % 7 == 0 ? random.nextInt() : 'a' + j % 13);
            }
            Files.write(small.resolve("f" + i), b);
        }
        return root;
    }

    /** {@code tar -C tree -cf - . | gzip -6}. */
    static byte[] tarGz(Path dir, Path tree) throws IOException, InterruptedException {
        Path out = dir.resolve("layer.tar.gz");
        run(dir, "sh", "-c", "tar -C '" + tree + "' --sort=name -cf - . | gzip -6 > '" + out + "'");
        return Files.readAllBytes(out);
    }

    /** The same tar split into 2 MiB pieces, each gzipped on its own, concatenated: a multi-member gzip. */
    static byte[] multiMember(Path dir, Path tree) throws IOException, InterruptedException {
        Path parts = Files.createDirectories(dir.resolve("parts"));
        run(parts, "sh", "-c", "tar -C '" + tree + "' --sort=name -cf - . | split -b 2M - part.");
        run(parts, "sh", "-c", "for f in part.*; do gzip -c \"$f\"; done > ../multi.tar.gz");
        return Files.readAllBytes(dir.resolve("multi.tar.gz"));
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** Builds the index of {@code gz} through the pull stream, checking it yields the same bytes as gunzip. */
    static CheckpointIndex index(Digest digest, byte[] gz, long spanSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CheckpointIndexBuilder builder = new CheckpointIndexBuilder(digest, spanSize, out)) {
            // Odd-sized writes, as a network read would give them.
            for (int off = 0; off < gz.length; off += 50_001) {
                builder.write(gz, off, Math.min(50_001, gz.length - off));
            }
            CheckpointIndex index = builder.finish();
            if (!Arrays.equals(out.toByteArray(), gunzip(gz))) {
                throw new AssertionError("the builder's uncompressed stream differs from gunzip's");
            }
            return index;
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
