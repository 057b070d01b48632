package io.strata.fs.build;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.commit.CommitInfo;
import io.strata.fetcher.commit.ImageDraft;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageCopier;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata build}: runs a {@link Dockerfile} step by step on a lazily read base image. Each step turns the
 * current state (an image: the base plus what earlier steps added) into the next: ENV, WORKDIR, CMD, ENTRYPOINT and
 * LABEL edit the config and add an {@code empty_layer} history entry; COPY and RUN add one layer each (none when they
 * change nothing). A step whose key (parent state, text, inputs) is in the {@link BuildCache} is not run:
 * its state is reused, which is how an unchanged Dockerfile rebuilds to the same manifest. The base is never
 * pulled: RUN and COPY read from it only what they touch, and pushing to a target copies only the base layers the
 * target lacks (none when it is the base's own repository).
 */
public final class Builder {

    /**
     * How to build.
     *
     * @param context       the build context (COPY sources are relative to it)
     * @param target        where to push the image (registry or {@code oci:} layout; a tag), or null to keep it in
     *                      the cache only
     * @param source        registry options (platform, insecure registries, credentials)
     * @param encoding      the format of the new layers
     * @param created       the time of the history entries and the config (SOURCE_DATE_EPOCH, or now)
     * @param directoryTime the mtime of directories a COPY creates (SOURCE_DATE_EPOCH, or 0: the same context must
     *                      give the same layer)
     * @param noCache       run every step, even those in the cache (their results replace the cached ones)
     */
    public record Options(Path context, ImageRef target, SourceOptions source, LayerEncoding encoding, Instant created,
                          long directoryTime, boolean noCache) {
    }

    /**
     * What a build did.
     *
     * @param image            the built image
     * @param steps            steps of the Dockerfile (FROM included)
     * @param cached           steps taken from the cache
     * @param layersAdded      layers above the base
     * @param baseSize         compressed size of the base's layers
     * @param baseBytesFetched bytes of the base's layers fetched by this build's mounts (RUN, COPY)
     * @param mounts           how many times a state was opened (RUN and COPY steps that ran)
     * @param pushed           what the push did, or null without a target
     */
    public record Result(ResolvedImage image, int steps, int cached, int layersAdded, long baseSize,
                         long baseBytesFetched, int mounts, Pushed pushed) {
        public Digest manifestDigest() {
            return image.manifestDigest();
        }
    }

    /**
     * The push to the target.
     *
     * @param baseLayersCopied base layers the target lacked, copied from the base's repository (fetched whole)
     * @param baseBytesCopied  their bytes
     * @param blobsCopied      blobs of the build (layers and config) the target lacked
     * @param blobsSkipped     blobs the target had already (base or build)
     */
    public record Pushed(ImageRef target, int baseLayersCopied, long baseBytesCopied, int blobsCopied,
                         int blobsSkipped) {
    }

    /** Opens the chunk cache that a mount of a state will own (and close). */
    @FunctionalInterface
    public interface ChunkCaches {
        ChunkCache open() throws IOException;
    }

    private final Dockerfile file;
    private final Options options;
    private final BuildCache cache;
    private final BuildLog log;
    private final ChunkCaches chunks;
    private BlobSource base;
    private StateMounts mounts;
    /** Whether a CMD came before in this Dockerfile: ENTRYPOINT resets a CMD inherited from the base only. */
    private boolean cmdSet;
    private int cached;

    private Builder(Dockerfile file, Options options, FileStore store, ChunkCaches chunks, BuildLog log)
            throws IOException {
        this.file = file;
        this.options = options;
        this.cache = new BuildCache(store);
        this.chunks = chunks;
        this.log = log;
    }

    /**
     * Builds {@code file}: the step log goes to {@code log}, a RUN's output to this process's stdout and stderr.
     *
     * @param store  the cache directory (layer cache, indexes, temp files)
     * @param chunks opens the chunk cache for each mount of a state
     * @throws DockerfileException when a step's arguments are wrong (a COPY source outside the context...)
     * @throws BuildException      when a step fails (a RUN's command exits non-zero...)
     */
    public static Result build(Dockerfile file, Options options, FileStore store, ChunkCaches chunks,
                               BuildLog log) throws IOException, InterruptedException {
        Builder b = new Builder(file, options, store, chunks, log);
        try {
            return b.run();
        } finally {
            if (b.base != null) {
                b.base.close();
            }
        }
    }

    /**
     * Empties the layer cache of {@code strata build} in the cache directory {@code cacheDir} (step records and the
     * layout of built layers); returns how many step records went.
     */
    public static int clearCache(Path cacheDir) throws IOException {
        return BuildCache.clear(cacheDir);
    }

    private Result run() throws IOException, InterruptedException {
        List<Instruction> steps = file.instructions();
        BuildState state = from(file.from(), steps.size());
        long baseSize = state.image().layers().stream().mapToLong(Descriptor::size).sum();
        mounts = new StateMounts(cache, base, chunks, log);
        for (int n = 1; n < steps.size(); n++) {
            Instruction step = steps.get(n);
            log.step(n + 1, steps.size(), step.text());
            try {
                state = step(step, state);
            } catch (DockerfileException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new DockerfileException(file.name(), step.line(), e.getMessage());
            } catch (BuildException e) {
                throw new BuildException(file.name() + ":" + step.line() + ": " + e.getMessage(), e);
            }
        }
        Pushed pushed = options.target() == null ? null : push(state);
        return new Result(state.image(), steps.size(), cached, state.image().layers().size() - state.baseLayers(),
                baseSize, mounts.baseBytesFetched(), mounts.mounts(), pushed);
    }

    private BuildState from(Instruction.From from, int total) throws IOException {
        log.step(1, total, from.text());
        if (from.isScratch()) {
            ResolvedImage scratch = cache.save(ImageDraft.scratch(options.source().platform()).build(), null);
            log.base(scratch, 0);
            return new BuildState(scratch, 0);
        }
        ImageRef ref;
        try {
            ref = ImageRef.parse(from.image());
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(file.name(), from.line(), "FROM " + e.getMessage());
        }
        base = BlobSources.open(ref, options.source());
        ResolvedImage image = ImageResolver.resolve(base, ref, options.source().platform());
        log.base(image, image.layers().stream().mapToLong(Descriptor::size).sum());
        return new BuildState(image, image.layers().size());
    }

    /** One step after FROM: from the cache when its key is there, else run. */
    private BuildState step(Instruction step, BuildState state) throws IOException, InterruptedException {
        Map<String, String> env = state.env();
        List<ContextFiles.Source> sources = null;
        String extra = "";
        if (step instanceof Instruction.Copy copy) {
            sources = new ContextFiles(options.context()).resolve(expandAll(copy.sources(), env, copy.json()));
            extra = ContextFiles.digest(sources) + "\0" + options.encoding().cliName() + "\0" + options.directoryTime();
        } else if (step instanceof Instruction.Run) {
            extra = options.encoding().cliName();
        } else if (step instanceof Instruction.Entrypoint) {
            extra = "cmd-set=" + cmdSet;
        }
        if (step instanceof Instruction.Cmd) {
            cmdSet = true;
        }
        String key = BuildCache.key(state.manifestDigest(), step.text(), extra);
        if (!options.noCache()) {
            Optional<ResolvedImage> hit = cache.lookup(key, state.baseLayers(), options.source().platform());
            if (hit.isPresent()) {
                cached++;
                log.cached(hit.get().manifestDigest());
                return new BuildState(hit.get(), state.baseLayers());
            }
        }
        long t0 = System.nanoTime();
        ImageDraft draft = ImageDraft.of(state.image());
        CommitInfo info = new CommitInfo(options.created(), step.text(), "strata build");
        WrittenLayer layer = null;
        if (step instanceof Instruction.Copy copy) {
            layer = CopyStep.run(mounts, state, sources, absolute(state.workdir(), expand(copy.dest(), env, copy.json())),
                    copy.chown() == null ? null : expand(copy.chown(), env, false), options.directoryTime(),
                    options.encoding(), cache);
        } else if (step instanceof Instruction.Run run) {
            layer = RunStep.run(mounts, state, step.text(), run.command().argv(), runEnv(env), state.workdir(),
                    options.encoding(), cache, log);
        } else {
            configure(draft, step, state, env);
        }
        if (layer != null) {
            draft.appendLayer(layer, info);
        } else {
            draft.appendEmptyStep(info);
        }
        ResolvedImage next = cache.save(draft.build(), key);
        Descriptor added = layer == null ? null : next.layers().get(next.layers().size() - 1);
        log.built(next.manifestDigest(), added, (System.nanoTime() - t0) / 1_000_000);
        return new BuildState(next, state.baseLayers());
    }

    /** ENV, LABEL, WORKDIR, CMD, ENTRYPOINT: the config edit. */
    private void configure(ImageDraft draft, Instruction step, BuildState state, Map<String, String> env) {
        if (step instanceof Instruction.Env e) {
            for (Instruction.Pair p : e.pairs()) {
                draft.setEnv(expand(p.name(), env, false), expand(p.value(), env, false));
            }
        } else if (step instanceof Instruction.Label l) {
            for (Instruction.Pair p : l.pairs()) {
                draft.setLabel(expand(p.name(), env, false), expand(p.value(), env, false));
            }
        } else if (step instanceof Instruction.Workdir w) {
            draft.setWorkingDir(absolute(state.workdir(), expand(w.path(), env, false)));
        } else if (step instanceof Instruction.Cmd c) {
            draft.setCmd(c.command().argv());
        } else if (step instanceof Instruction.Entrypoint e) {
            draft.setEntrypoint(e.command().argv());
            if (!cmdSet) {
                draft.setCmd(null); // Docker: an ENTRYPOINT drops the CMD inherited from the base
            }
        } else {
            throw new IllegalStateException("not a configuration step: " + step.keyword());
        }
    }

    /** The environment a RUN sees: the image's, with Docker's defaults for PATH and HOME when it sets none. */
    private static Map<String, String> runEnv(Map<String, String> env) {
        Map<String, String> run = new LinkedHashMap<>(env);
        run.putIfAbsent("PATH", BuildState.DEFAULT_PATH);
        run.putIfAbsent("HOME", "/root");
        return run;
    }

    /** Pushes the built image: base layers the target lacks (copied), the build's blobs, then the manifest. */
    private Pushed push(BuildState state) throws IOException {
        ImageRef target = options.target();
        ResolvedImage image = state.image();
        StateSource from = new StateSource(cache.layout(), base);
        try (BlobSource to = BlobSources.open(target, options.source())) {
            if (!(to instanceof BlobSink sink)) {
                throw new IllegalArgumentException(to.describe() + " cannot receive images");
            }
            ImageCopier.Result baseCopy = ImageCopier.copyBlobs(from, to,
                    image.layers().subList(0, state.baseLayers()));
            List<Descriptor> own = new ArrayList<>(image.layers().subList(state.baseLayers(), image.layers().size()));
            own.add(image.manifest().config());
            ImageCopier.Result ownCopy = ImageCopier.copyBlobs(from, to, own);
            sink.pushManifest(target.reference(), image.manifestMediaType(), image.manifestBytes());
            return new Pushed(target, baseCopy.blobsCopied(), baseCopy.bytesCopied(), ownCopy.blobsCopied(),
                    baseCopy.blobsSkipped() + ownCopy.blobsSkipped());
        }
    }

    private List<String> expandAll(List<String> raw, Map<String, String> env, boolean json) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            out.add(expand(r, env, json));
        }
        return out;
    }

    private String expand(String raw, Map<String, String> env, boolean json) {
        return Words.expand(raw, env, file.escape(), !json);
    }

    /**
     * {@code path} made absolute against {@code dir} and cleaned lexically ({@code .}, {@code ..}, repeated
     * slashes); a trailing slash is kept (it means "a directory" to COPY).
     */
    static String absolute(String dir, String path) {
        String joined = path.startsWith("/") ? path : dir + "/" + path;
        List<String> parts = new ArrayList<>();
        for (String c : joined.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(c);
        }
        String clean = "/" + String.join("/", parts);
        return path.endsWith("/") && !clean.equals("/") ? clean + "/" : clean;
    }
}
