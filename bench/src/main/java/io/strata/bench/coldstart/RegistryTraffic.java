package io.strata.bench.coldstart;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts what the registry served between two points of a run, from its access log (Apache combined format, one
 * line per response, written when the response is done):
 * {@code 127.0.0.1 - - [26/Nov/2026:18:25:44 +0000] "GET /v2/x/blobs/sha256:... HTTP/1.1" 206 1048576 "" "ua"}.
 * Bytes are the bodies the registry wrote (headers are not counted, for every client alike).
 */
final class RegistryTraffic {

    /** Requests and body bytes. */
    record Traffic(long requests, long bytes) {
        static final Traffic NONE = new Traffic(0, 0);

        Traffic plus(Traffic other) {
            return new Traffic(requests + other.requests, bytes + other.bytes);
        }
    }

    private static final Pattern LINE = Pattern.compile("\"[A-Z]+ \\S+ HTTP/[0-9.]+\" (\\d{3}) (\\d+|-)");
    private static final long SETTLE_MS = 150;
    private static final long SETTLE_MAX_MS = 3_000;

    private final Path log;
    private long offset;

    RegistryTraffic(Path log) throws IOException {
        this.log = log;
        this.offset = Files.size(log);
    }

    /** Forgets everything served so far: the next {@link #take()} counts from here. */
    void reset() throws IOException {
        settle();
        take();
    }

    /** What was served since the last call (complete lines only: a line being written waits for the next call). */
    Traffic take() throws IOException {
        long requests = 0;
        long bytes = 0;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long end = f.length();
            if (end <= offset) {
                return Traffic.NONE;
            }
            byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE - 8, end - offset)];
            f.seek(offset);
            f.readFully(buf);
            int lastNewline = -1;
            for (int i = buf.length - 1; i >= 0; i--) {
                if (buf[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return Traffic.NONE;
            }
            for (String line : new String(buf, 0, lastNewline, StandardCharsets.UTF_8).split("\n")) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    requests++;
                    bytes += m.group(2).equals("-") ? 0 : Long.parseLong(m.group(2));
                }
            }
            offset += lastNewline + 1;
        }
        return new Traffic(requests, bytes);
    }

    /**
     * Waits until the log stopped growing for a moment: responses that a client abandoned (an unmounted mount's
     * fetches) are logged when the registry notices, shortly after.
     */
    void settle() throws IOException {
        long deadline = System.currentTimeMillis() + SETTLE_MAX_MS;
        long size = Files.size(log);
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            sleep(25);
            long now = Files.size(log);
            if (now != size) {
                size = now;
                since = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - since >= SETTLE_MS) {
                return;
            }
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
