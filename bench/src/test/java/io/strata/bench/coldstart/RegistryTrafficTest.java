package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTrafficTest {

    private static final String MANIFEST = "127.0.0.1 - - [26/Nov/2026:18:31:18 +0000] \"GET /v2/bench/python/manifests/plain"
            + " HTTP/1.1\" 200 663 \"\" \"strata\"\n";
    private static final String RANGE = "127.0.0.1 - - [26/Nov/2026:18:31:18 +0000] \"GET /v2/bench/python/blobs/sha256:ab"
            + " HTTP/1.1\" 206 1048576 \"\" \"strata\"\n";
    private static final String HEAD = "127.0.0.1 - - [26/Nov/2026:18:31:18 +0000] \"HEAD /v2/bench/python/blobs/sha256:ab"
            + " HTTP/1.1\" 200 - \"\" \"skopeo\"\n";

    @TempDir
    Path dir;

    @Test
    void take_linesSinceLastTake_countsRequestsAndBodyBytes() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), MANIFEST);
        RegistryTraffic traffic = new RegistryTraffic(log); // starts at the end: the first line is not counted

        append(log, RANGE + HEAD + RANGE);

        assertEquals(new RegistryTraffic.Traffic(3, 2 * 1048576), traffic.take());
        assertEquals(RegistryTraffic.Traffic.NONE, traffic.take());
    }

    @Test
    void take_lineBeingWritten_waitsForItsEnd() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), "");
        RegistryTraffic traffic = new RegistryTraffic(log);

        append(log, MANIFEST + RANGE.substring(0, 40));
        assertEquals(new RegistryTraffic.Traffic(1, 663), traffic.take());

        append(log, RANGE.substring(40));
        assertEquals(new RegistryTraffic.Traffic(1, 1048576), traffic.take());
    }

    @Test
    void reset_earlierLines_areForgotten() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), "");
        RegistryTraffic traffic = new RegistryTraffic(log);
        append(log, RANGE + RANGE);

        traffic.reset();
        append(log, MANIFEST);

        assertEquals(new RegistryTraffic.Traffic(1, 663), traffic.take());
    }

    private static void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
