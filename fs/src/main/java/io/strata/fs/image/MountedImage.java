package io.strata.fs.image;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.EntryReader;
import io.strata.fetcher.layer.LayerFormat;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.estargz.EStargzFormat;
import io.strata.fetcher.layer.LayerOpener;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.layer.publish.PublishedIndex;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fs.fuse.ContentReader;
import io.strata.fs.fuse.MergedTree;
import io.strata.fs.prefetch.ForegroundReads;
import io.strata.fs.prefetch.PrefetchMode;
import io.strata.fs.prefetch.PrefetchProgress;
import io.strata.fs.prefetch.Prefetcher;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image made ready to mount: its reference resolved to one manifest, every layer opened (index and content
 * reader) in parallel, and the union of their indexes built. What a mount serves and what {@code strata status}
 * reports come from here.
 */
public final class MountedImage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MountedImage.class);
    /** Layers are fetched in parallel, but a few streams saturate a link; more only add contention. */
    private static final int MAX_PARALLEL_LAYERS = 4;

    /** Formats that serve a layer file by file, preferred in this order over fetching the layer whole. */
    private static final List<LayerFormat> LAZY_FORMATS = List.of(new EStargzFormat());

    private final ResolvedImage image;
    private final BlobSource source;
    private final ChunkCache chunks;
    private final List<OpenedLayer> layers;
    private final UnionView union;
    private final long startedMillis = System.currentTimeMillis();
    /** Reads through {@link #contentReader()}: background prefetch waits while any is in flight. */
    private final ForegroundReads foreground = new ForegroundReads();
    private volatile Prefetcher prefetcher;
    private boolean closed; // guarded by this: no prefetch may start reading a closed image

    private MountedImage(ResolvedImage image, BlobSource source, ChunkCache chunks, List<OpenedLayer> layers,
                         UnionView union) {
        this.image = image;
        this.source = source;
        this.chunks = chunks;
        this.layers = layers;
        this.union = union;
    }

    /**
     * Resolves {@code ref}, opens its layers (indexes kept in {@code store}, content in {@code chunks}), and builds
     * the union. The mounted image owns {@code chunks} from here on and closes it.
     *
     * @param trustPublishedIndex whether to import a lazy index published next to the image ({@code strata index}).
     *                            Off by default: nothing chains such an index to the manifest, so it is trusted like
     *                            the repository's writers, and once imported the cache uses it for every later mount
     */
    public static MountedImage open(ImageRef ref, SourceOptions options, FileStore store, ChunkCache chunks,
                                    boolean trustPublishedIndex) throws IOException {
        BlobSource source;
        try {
            int stale = store.cleanTemp();
            if (stale > 0) {
                log.info("removed {} temp files left in {} by killed processes", stale, store.tempDir());
            }
            source = BlobSources.open(ref, options);
        } catch (IOException | RuntimeException e) {
            chunks.close();
            throw e;
        }
        ResolvedImage image;
        try {
            image = ImageResolver.resolve(source, ref, options.platform());
            log.info("resolved {} to manifest {} ({} layers)", ref, image.manifestDigest(), image.layers().size());
            if (trustPublishedIndex) {
                // Before the layers are opened: it makes gzip layers lazy on a host that never fetched them.
                PublishedIndex.importInto(source, image, store);
            }
        } catch (IOException | RuntimeException e) {
            source.close();
            chunks.close();
            throw e;
        }
        return open(image, source, store, chunks);
    }

    /**
     * Opens the layers of an image resolved already, read from {@code source} (indexes kept in {@code store},
     * content in {@code chunks}), and builds the union: how {@code strata build} mounts an image that exists only as
     * a base in a registry plus layers on this host. The mounted image owns {@code source} and {@code chunks} from
     * here on and closes them.
     */
    public static MountedImage open(ResolvedImage image, BlobSource source, FileStore store, ChunkCache chunks)
            throws IOException {
        try {
            List<OpenedLayer> layers = openLayers(image, new LayerOpener(source, store, chunks, LAZY_FORMATS));
            List<LayerIndex> indexes = layers.stream().map(OpenedLayer::index).toList();
            long t0 = System.nanoTime();
            UnionView union;
            try {
                union = UnionView.build(indexes);
            } catch (IllegalArgumentException e) {
                // A layer the union cannot take (a hardlink to nothing, a path through a file...): the image's fault.
                throw new IOException("the layers of " + image.ref() + " cannot be merged: " + e.getMessage(), e);
            }
            log.info("merged {} layers into {} inodes in {} ms", layers.size(), union.nodeCount(),
                    (System.nanoTime() - t0) / 1_000_000);
            return new MountedImage(image, source, chunks, layers, union);
        } catch (IOException | RuntimeException e) {
            source.close();
            chunks.close();
            throw e;
        }
    }

    private static List<OpenedLayer> openLayers(ResolvedImage image, LayerOpener opener) throws IOException {
        List<Descriptor> descriptors = image.layers();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_PARALLEL_LAYERS, descriptors.size())),
                r -> {
                    Thread t = new Thread(r, "layer-open");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<OpenedLayer>> futures = new ArrayList<>();
            for (int i = 0; i < descriptors.size(); i++) {
                Descriptor d = descriptors.get(i);
                var diffId = image.diffIds().get(i);
                int number = i + 1;
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    OpenedLayer layer = opener.open(d, diffId);
                    log.info("layer {}/{} {} ready: {} entries, format {}, fetched {} bytes in {} ms", number,
                            descriptors.size(), d.digest().shortForm(), layer.index().entries().size(), layer.format(),
                            layer.stats().bytesFetched.get(), (System.nanoTime() - t0) / 1_000_000);
                    return layer;
                }));
            }
            List<OpenedLayer> opened = new ArrayList<>();
            for (Future<OpenedLayer> f : futures) {
                opened.add(f.get());
            }
            return List.copyOf(opened);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening the layers of " + image.ref());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    public ResolvedImage image() {
        return image;
    }

    public List<OpenedLayer> layers() {
        return layers;
    }

    public UnionView union() {
        return union;
    }

    /** The merged tree as the FUSE binding serves it. */
    public MergedTree tree() {
        return new MergedTree() {
            @Override
            public Node root() {
                return union.root();
            }

            @Override
            public Node lookup(String path) {
                return union.lookup(path);
            }

            @Override
            public long nodeCount() {
                return union.nodeCount();
            }
        };
    }

    /** Content of the union's nodes, each read through the reader of the layer that holds it. */
    public ContentReader contentReader() {
        return foreground.wrap(layerReader());
    }

    private ContentReader layerReader() {
        List<EntryReader> readers = layers.stream().map(OpenedLayer::reader).toList();
        return ContentReader.ofLayers(readers);
    }

    /**
     * Starts fetching files in the background (call once the mount answers); foreground reads through
     * {@link #contentReader()} always go first. Does nothing for {@link PrefetchMode#NONE} or when already started.
     *
     * @param profile paths (absolute in the image) of a recorded profile to prefetch first, or null for the
     *                layers' own prioritized files
     */
    public synchronized void startPrefetch(PrefetchMode mode, List<String> profile) {
        if (mode == PrefetchMode.NONE || prefetcher != null || closed) {
            return;
        }
        prefetcher = Prefetcher.start(mode, profile, union, layers, layerReader(), foreground);
    }

    /** Background prefetch progress ({@code off} when none was started). */
    public PrefetchProgress prefetchProgress() {
        Prefetcher p = prefetcher;
        return p == null ? PrefetchProgress.off() : p.progress();
    }

    /** A snapshot of what this mount has done, for {@code strata status}. */
    public MountStatus status(String mountpoint, String logFile) {
        return MountStatus.of(this, mountpoint, logFile, startedMillis);
    }

    @Override
    public void close() throws IOException {
        Prefetcher p;
        synchronized (this) {
            closed = true;
            p = prefetcher;
        }
        if (p != null) {
            p.close(); // before the readers and the cache it reads through are closed
        }
        IOException first = null;
        for (OpenedLayer layer : layers) {
            if (layer.reader() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    first = first == null ? new IOException("closing layer " + layer.descriptor().digest(), e) : first;
                }
            }
        }
        source.close();
        chunks.close();
        if (first != null) {
            throw first;
        }
    }
}
