package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

    @TempDir
    Path tmp;

    @Test
    void of_recordingWithChunkReadsAndThreads_countsEachChunkAndEveryThreadStart() throws Exception {
        Path chunk = Files.write(Files.createDirectories(tmp.resolve("cache/chunks/ab/cd")).resolve("sha256-abcd"),
                new byte[4096]);
        Path jfr = tmp.resolve("r.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.FileRead").withThreshold(Duration.ZERO);
            r.enable("jdk.ThreadStart");
            r.start();
            for (int i = 0; i < 3; i++) {
                try (FileChannel ch = FileChannel.open(chunk)) {
                    ch.read(ByteBuffer.allocate(4096)); // one read: one jdk.FileRead event
                }
                Thread t = new Thread(() -> { });
                t.start();
                t.join();
            }
            r.stop();
            r.dump(jfr);
        }

        String summary = JfrSummary.of(jfr);

        assertTrue(summary.contains("chunk files read: 3 reads of 1 distinct chunks, 12 KiB"), summary);
        assertTrue(summary.contains("(a chunk read 3.0 times on average)"), summary);
        assertTrue(summary.matches("(?s).*threads started \\(attached to the JVM\\): [3-9]\\n.*"), summary);
    }
}
