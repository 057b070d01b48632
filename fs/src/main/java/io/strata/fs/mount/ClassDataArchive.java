package io.strata.fs.mount;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class-data sharing for the mount process: about a fifth of a mount's start-up is the JVM loading and
 * verifying the same classes every time (HTTP client, JSON, FUSE bindings), which a dynamic CDS archive maps
 * instead. The archive is made by the first mount of a jar ({@code -XX:ArchiveClassesAtExit} writes it when that
 * process exits), under a name of its own; a later spawn moves a finished one into place with an atomic rename,
 * so concurrent mounts never read a half-written archive, and {@code -XX:+VerifySharedSpaces} has the JVM check
 * its checksums before trusting it. A stale archive (older than the jar) is replaced. Without a writable jar
 * directory, nothing changes.
 */
final class ClassDataArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    private static final Pattern DUMP = Pattern.compile(".*\\.jsa\\.(\\d+)\\.dump");

    private ClassDataArchive() {
    }

    /** JVM options that use or make the archive for {@code classPath}; none when it is not a single jar's. */
    static List<String> jvmOptions(String classPath) {
        Optional<Path> jar = Stream.of(classPath.split(java.io.File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".jar"))
                .findFirst();
        if (jar.isEmpty() || !Files.isRegularFile(jar.get()) || !Files.isWritable(jar.get().toAbsolutePath().getParent())) {
            return List.of();
        }
        Path archive = jar.get().toAbsolutePath().resolveSibling(jar.get().getFileName() + ".jsa");
        try {
            adoptFinishedDump(archive);
            if (Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar.get())) > 0) {
                return List.of("-XX:SharedArchiveFile=" + archive, "-XX:+VerifySharedSpaces", "-Xshare:auto");
            }
            Files.deleteIfExists(archive); // stale: made for an older jar
            Path dump = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".dump");
            return List.of("-XX:ArchiveClassesAtExit=" + dump);
        } catch (IOException e) {
            LOG.debug("no class-data archive for {}: {}", jar.get(), e.toString());
            return List.of();
        }
    }

    /**
     * Moves the newest finished dump into place and deletes the other finished ones. A dump is named after the
     * spawning process (which exits once the mount answers) and written by the mount process as it exits: it is
     * finished when its namer is gone and it has not changed for a while.
     */
    private static void adoptFinishedDump(Path archive) throws IOException {
        List<Path> finished = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(archive.getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                Matcher m = DUMP.matcher(p.getFileName().toString());
                // The JVM writes the dump as it exits, in about a second: one untouched for 10 s is complete.
                boolean settled = System.currentTimeMillis() - modified(p) > 10_000;
                if (m.matches() && p.getFileName().toString().startsWith(archive.getFileName().toString())
                        && !isAlive(Long.parseLong(m.group(1))) && settled && Files.size(p) > 0) {
                    finished.add(p);
                }
            }
        }
        finished.sort(Comparator.comparing(ClassDataArchive::modified).reversed());
        for (int i = 0; i < finished.size(); i++) {
            if (i == 0 && !Files.exists(archive)) {
                try {
                    Files.move(finished.get(0), archive, StandardCopyOption.ATOMIC_MOVE);
                    continue;
                } catch (AtomicMoveNotSupportedException e) {
                    // same directory: cannot happen; fall through and delete it
                }
            }
            Files.deleteIfExists(finished.get(i));
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
