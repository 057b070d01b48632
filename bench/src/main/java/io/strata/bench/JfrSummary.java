package io.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of a strata mount process says about where its time went, as text: Java execution samples by
 * method (self and inclusive), how many threads attached to the JVM (every libfuse worker thread that calls into Java
 * is one), garbage collections by cause, and the reads of chunk files of the cache (how often each chunk was read
 * and verified). Recordings come from {@code strata bench warm --jfr}, which enables every file read
 * ({@code jdk.FileRead#threshold=0ms}).
 */
final class JfrSummary {

    private static final int TOP = 15;

    private final Map<String, Integer> self = new HashMap<>();
    private final Map<String, Integer> inclusive = new HashMap<>();
    private final Map<String, Integer> gcCauses = new TreeMap<>();
    private final Map<String, Integer> chunkReads = new HashMap<>();
    private int samples;
    private int nativeSamples;
    private int threadStarts;
    private Duration gcPauses = Duration.ZERO;
    private long chunkBytes;
    private Duration chunkReadTime = Duration.ZERO;
    private Duration span = Duration.ZERO;

    private JfrSummary() {
    }

    /** Reads {@code recording} and returns its summary. */
    static String of(Path recording) throws IOException {
        JfrSummary s = new JfrSummary();
        Instant first = null;
        Instant last = null;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                first = first == null || e.getStartTime().isBefore(first) ? e.getStartTime() : first;
                last = last == null || e.getEndTime().isAfter(last) ? e.getEndTime() : last;
                s.add(e);
            }
        }
        s.span = first == null ? Duration.ZERO : Duration.between(first, last);
        return s.text(recording);
    }

    private void add(RecordedEvent e) {
        switch (e.getEventType().getName()) {
            case "jdk.ExecutionSample" -> {
                samples++;
                frames(e.getStackTrace());
            }
            case "jdk.NativeMethodSample" -> nativeSamples++;
            case "jdk.ThreadStart" -> threadStarts++;
            case "jdk.GarbageCollection" -> {
                gcCauses.merge(e.getString("name") + ", " + e.getString("cause"), 1, Integer::sum);
                gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
            }
            case "jdk.FileRead" -> {
                String path = e.getString("path");
                if (path != null && path.contains("/chunks/")) {
                    chunkReads.merge(path, 1, Integer::sum);
                    chunkBytes += e.getLong("bytesRead");
                    chunkReadTime = chunkReadTime.plus(e.getDuration());
                }
            }
            default -> {
            }
        }
    }

    private void frames(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
            if (seen.add(name(f))) {
                inclusive.merge(name(f), 1, Integer::sum);
            }
        }
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private String text(Path recording) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %.1f s recorded%n", recording.getFileName(), span.toMillis() / 1e3));
        sb.append(String.format(Locale.ROOT, "execution samples (threads running Java): %d; native method samples: %d%n",
                samples, nativeSamples));
        sb.append(String.format(Locale.ROOT, "threads started (attached to the JVM): %d%n", threadStarts));
        sb.append(String.format(Locale.ROOT, "garbage collections: %d, %.0f ms of pauses%n",
                gcCauses.values().stream().mapToInt(Integer::intValue).sum(), gcPauses.toNanos() / 1e6));
        gcCauses.forEach((cause, n) -> sb.append("  ").append(n).append(" x ").append(cause).append('\n'));
        int reads = chunkReads.values().stream().mapToInt(Integer::intValue).sum();
        sb.append(String.format(Locale.ROOT, "chunk files read: %d reads of %d distinct chunks, %s, %.1f s in read calls",
                reads, chunkReads.size(), Machine.human(chunkBytes), chunkReadTime.toMillis() / 1e3));
        sb.append(chunkReads.isEmpty() ? "\n" : String.format(Locale.ROOT, " (a chunk read %.1f times on average)%n",
                (double) reads / chunkReads.size()));
        top(sb, "self", self);
        top(sb, "inclusive", inclusive);
        return sb.toString();
    }

    private void top(StringBuilder sb, String what, Map<String, Integer> counts) {
        sb.append("top methods of the execution samples (").append(what).append("):\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
                .forEach(en -> sb.append(String.format(Locale.ROOT, "  %5d %5.1f %%  %s%n", en.getValue(),
                        100.0 * en.getValue() / Math.max(1, samples), en.getKey())));
    }
}
