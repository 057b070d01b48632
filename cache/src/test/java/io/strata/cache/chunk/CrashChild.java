package io.strata.cache.chunk;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The process {@link CrashTest} kills: four threads fill a small cache in a loop (publishing, evicting,
 * reading back) until killed. Prints {@code ready} once the cache works; exits 3 if it is ever served wrong bytes.
 */
public final class CrashChild {

    static final int DISTINCT_CHUNKS = 200;
    static final long DISK_BOUND = 2L << 20;

    private CrashChild() {
    }

    /** Chunk {@code n}: content-addressed for even n, a range key for odd n. */
    static ChunkKey key(int n) {
        byte[] bytes = bytes(n);
        return n % 2 == 0 ? ChunkCacheContract.keyOf(bytes)
                : ChunkKey.ofRange("sha256:" + "ee".repeat(32), n * 100_000L, bytes.length);
    }

    static byte[] bytes(int n) {
        return ChunkCacheContract.data(n, 1_000 + (n * 7919) % 60_000);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ChunkCache cache = ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0)
                .diskMaxBytes(DISK_BOUND).build());
        Thread[] workers = new Thread[4];
        for (int t = 0; t < workers.length; t++) {
            int start = t * 37;
            workers[t] = new Thread(() -> {
                try {
                    for (int i = start; ; i++) {
                        int n = i % DISTINCT_CHUNKS;
                        byte[] expected = bytes(n);
                        byte[] got = cache.get(key(n), () -> expected.clone());
                        if (!Arrays.equals(expected, got)) {
                            System.err.println("wrong bytes for chunk " + n);
                            System.exit(3);
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(4);
                }
            });
        }
        byte[] first = bytes(0);
        cache.get(key(0), () -> first.clone());
        System.out.println("ready");
        System.out.flush();
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
    }
}
