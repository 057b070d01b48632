package io.strata.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The workloads of {@code strata bench warm}, one code path for every target: they see a directory and nothing
 * else. Reads go through {@link FileChannel} into one direct buffer (no copy through a heap array, the same for
 * every target); metadata through {@link Files#walkFileTree}, which lstat()s every entry once, and GNU {@code ls
 * -lR}, which also reads extended attributes and symlink targets.
 */
final class Workloads {

    static final int SEQUENTIAL_READ = 1 << 20;
    static final int RANDOM_READ = 4096;

    /** Folds a byte of every read, so that no read can be optimised away. */
    private static volatile long sink;

    private Workloads() {
    }

    /** Reads {@code files} front to back in {@link #SEQUENTIAL_READ} reads; returns the bytes read. */
    static long sequentialRead(List<Path> files) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(SEQUENTIAL_READ);
        long total = 0;
        long folded = 0;
        for (Path file : files) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                    total += n;
                    folded += n > 0 ? buf.get(n - 1) : 0;
                }
            }
        }
        sink = folded;
        return total;
    }

    /**
     * Where the random reads go: {@code reads} reads of {@link #RANDOM_READ} bytes at 4 KiB-aligned offsets, each in
     * a file drawn uniformly, from a fixed seed, so every target reads the same blocks in the same order.
     */
    record RandomPlan(int[] file, long[] offset) {
        static RandomPlan of(long[] sizes, int reads, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] file = new int[reads];
            long[] offset = new long[reads];
            for (int i = 0; i < reads; i++) {
                file[i] = random.nextInt(sizes.length);
                long blocks = sizes[file[i]] / RANDOM_READ;
                if (blocks < 1) {
                    throw new IllegalArgumentException("file " + file[i] + " is smaller than one random read");
                }
                offset[i] = random.nextLong(blocks) * RANDOM_READ;
            }
            return new RandomPlan(file, offset);
        }

        int reads() {
            return file.length;
        }
    }

    /** Does the reads of {@code plan} with positional reads on files opened once; returns the number of reads. */
    static long randomRead(List<Path> files, RandomPlan plan) throws IOException {
        List<FileChannel> channels = new ArrayList<>();
        try {
            for (Path f : files) {
                channels.add(FileChannel.open(f, StandardOpenOption.READ));
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(RANDOM_READ);
            long folded = 0;
            for (int i = 0; i < plan.reads(); i++) {
                FileChannel ch = channels.get(plan.file()[i]);
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, plan.offset()[i] + buf.position()) < 0) {
                        throw new IOException(files.get(plan.file()[i]) + " ended before offset " + plan.offset()[i]
                                + " + " + RANDOM_READ);
                    }
                }
                folded += buf.get(RANDOM_READ - 1);
            }
            sink = folded;
            return plan.reads();
        } finally {
            for (FileChannel ch : channels) {
                ch.close();
            }
        }
    }

    /**
     * What a walk saw; two targets hold the same tree only if these are equal.
     *
     * @param bytes sizes of the regular files
     */
    record TreeCount(long directories, long files, long symlinks, long others, long bytes) {
        long entries() {
            return directories + files + symlinks + others;
        }

        @Override
        public String toString() {
            return directories + " directories, " + files + " files, " + symlinks + " symlinks, " + others
                    + " others, " + bytes + " bytes in files";
        }
    }

    /** {@code find ROOT} with an lstat() of every entry: walks the tree and counts what it saw. */
    static TreeCount walk(Path root) throws IOException {
        long[] c = new long[5];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                c[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    c[1]++;
                    c[4] += attrs.size();
                } else if (attrs.isSymbolicLink()) {
                    c[2]++;
                } else {
                    c[3]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new TreeCount(c[0], c[1], c[2], c[3], c[4]);
    }

    /** {@code ls -lR ROOT}, output discarded. */
    static void listRecursive(Path root) throws IOException {
        Exec.discardingOutput(3600, List.of("ls", "-lR", "--color=never", root.toString()));
    }

    /**
     * Reads every regular file under {@code root} whole; returns a CRC-32C per path relative to the root. Used to
     * check that two targets hold the same bytes, and to fill strata's cache.
     */
    static SortedMap<String, Long> checksums(Path root) throws IOException {
        SortedMap<String, Long> sums = new TreeMap<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(SEQUENTIAL_READ);
        FileVisitor<Path> visitor = new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    CRC32C crc = new CRC32C();
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        while (ch.read(buf.clear()) >= 0) {
                            crc.update(buf.flip());
                        }
                    }
                    sums.put(root.relativize(file).toString(), crc.getValue());
                }
                return FileVisitResult.CONTINUE;
            }
        };
        Files.walkFileTree(root, visitor);
        return sums;
    }
}
