package io.strata.fs.fuse;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse 2's multithreaded loop, run on Java threads. {@code fuse_main_real} (what jnr-fuse calls) serves requests
 * on threads libfuse starts itself: it starts one whenever none is idle and ends one whenever more than ten are,
 * so a burst of reads starts and ends threads all the time, and every new thread's first callback attaches it to
 * the JVM (jffi's closures). Measured by {@code strata bench warm}: 7 009 attaches for 8 192 reads of one file.
 * Here the same session is set up by {@code fuse_setup}, and {@code fuse_session_receive_buf} +
 * {@code fuse_session_process_buf} are called from Java threads that live as long as the mount: a callback into
 * Java never attaches. Like libfuse, a new worker starts when a request arrives and no other worker is waiting
 * (so a slow fetch never holds up other requests), up to {@link #MAX_WORKERS}; unlike libfuse, workers are not
 * ended when idle, since an idle worker costs a blocked thread and a buffer, while a new one costs an attach.
 */
final class WorkerLoop {

    /** Upper bound on concurrent requests; the kernel itself keeps at most 12 background reads per mount. */
    static final int MAX_WORKERS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);
    private static final int EINTR = 4;
    /** {@code struct fuse_buf} on LP64: size_t size, int flags, void *mem, int fd, off_t pos (with padding). */
    private static final int FUSE_BUF_SIZE = 40;
    private static final int FUSE_BUF_MEM = 16;
    private static final int FUSE_BUF_FD = 24;

    /** The libfuse 2 functions {@code fuse_main_real} is made of (stable ABI since 2.9). */
    public interface LibFuse2 {
        Pointer fuse_setup(int argc, Pointer argv, FuseOperations op, @size_t long opSize, PointerByReference mountpoint,
                IntByReference multithreaded, Pointer userData);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer previous);

        @size_t
        long fuse_chan_bufsize(Pointer channel);

        int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer channelRef);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer channel);

        int fuse_session_exited(Pointer session);

        void fuse_session_exit(Pointer session);
    }

    private static volatile LibFuse2 lib;

    private final Runtime runtime = Runtime.getSystemRuntime();
    private final String name;
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private Pointer session;
    private Pointer channel;
    private long bufferSize;
    private volatile Throwable failure;
    private Pointer[] argStrings;

    private WorkerLoop(String name) {
        this.name = name;
    }

    /**
     * Mounts with {@code args} (as for {@code fuse_main}: program name, options, mount point), serves requests until
     * the kernel drops the connection (umount), then tears the session down. Blocks the calling thread, which is
     * the first worker.
     *
     * @throws IllegalStateException if libfuse refuses the arguments or the mount (its reason is on stderr)
     */
    static void run(FuseOperations operations, String[] args, String name) {
        new WorkerLoop(name).serve(operations, args);
    }

    /** Live worker threads of the mount {@code name}, besides the thread that mounted it (for tests). */
    static long extraWorkers(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(threadPrefix(name))).count();
    }

    private static String threadPrefix(String name) {
        return "strata-fuse-worker " + name + " #";
    }

    private void serve(FuseOperations operations, String[] args) {
        LibFuse2 fuse2 = library();
        Pointer argv = nativeArgv(args); // kept reachable until teardown: libfuse may keep pointers into it
        PointerByReference mountpoint = new PointerByReference();
        IntByReference multithreaded = new IntByReference();
        Pointer fuse = fuse2.fuse_setup(args.length, argv, operations, Struct.size(operations), mountpoint,
                multithreaded, null);
        if (fuse == null) {
            throw new IllegalStateException("libfuse could not mount " + name
                    + " (its reason is on stderr or in the mount log)");
        }
        try {
            session = fuse2.fuse_get_session(fuse);
            channel = fuse2.fuse_session_next_chan(session, null);
            bufferSize = fuse2.fuse_chan_bufsize(channel);
            idle.incrementAndGet();
            work(fuse2); // this thread is the first worker
            for (Thread t : workers) {
                join(t);
            }
        } finally {
            fuse2.fuse_teardown(fuse, mountpoint.getValue());
            LOG.debug("FUSE loop of {} ended after {} worker threads", name, started.get() + 1);
            Reference.reachabilityFence(argv);
            Reference.reachabilityFence(argStrings);
        }
        if (failure != null) {
            throw new IllegalStateException("the FUSE loop of " + name + " failed: " + failure, failure);
        }
    }

    private void work(LibFuse2 fuse2) {
        Pointer buffer = Memory.allocateDirect(runtime, bufferSize);
        Pointer fuseBuf = Memory.allocateDirect(runtime, FUSE_BUF_SIZE);
        Pointer from = Memory.allocateDirect(runtime, runtime.addressSize()); // struct fuse_chan **
        try {
            while (fuse2.fuse_session_exited(session) == 0) {
                // receive_buf sets size and flags to what it read: reset them for every request, as libfuse does
                fuseBuf.setMemory(0, FUSE_BUF_SIZE, (byte) 0);
                fuseBuf.putLong(0, bufferSize);
                fuseBuf.putAddress(FUSE_BUF_MEM, buffer.address());
                fuseBuf.putInt(FUSE_BUF_FD, -1);
                from.putPointer(0, channel);
                int res = fuse2.fuse_session_receive_buf(session, fuseBuf, from);
                if (res == -EINTR) {
                    continue;
                }
                if (res <= 0) {
                    if (res < 0) { // 0 is the kernel's end of the connection (unmounted)
                        LOG.warn("FUSE loop of {}: reading a request failed with errno {}", name, -res);
                        fuse2.fuse_session_exit(session);
                    }
                    break;
                }
                if (idle.decrementAndGet() == 0) {
                    startWorker(fuse2); // nobody is left waiting for the next request
                }
                try {
                    fuse2.fuse_session_process_buf(session, fuseBuf, from.getPointer(0));
                } finally {
                    idle.incrementAndGet();
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            fuse2.fuse_session_exit(session);
        }
    }

    private void startWorker(LibFuse2 fuse2) {
        int n = started.incrementAndGet();
        if (n >= MAX_WORKERS) {
            started.decrementAndGet();
            return;
        }
        idle.incrementAndGet();
        Thread t = new Thread(() -> work(fuse2), threadPrefix(name) + n);
        // Daemon, like the loop's own thread: an unmount that cannot finish must not keep the JVM alive.
        t.setDaemon(true);
        workers.add(t);
        t.start();
    }

    private Pointer nativeArgv(String[] args) {
        int word = runtime.addressSize();
        Pointer argv = Memory.allocateDirect(runtime, (long) (args.length + 1) * word, true);
        Pointer[] strings = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            byte[] bytes = args[i].getBytes(StandardCharsets.UTF_8);
            strings[i] = Memory.allocateDirect(runtime, bytes.length + 1, true);
            strings[i].put(0, bytes, 0, bytes.length);
            argv.putPointer((long) i * word, strings[i]);
        }
        argStrings = strings;
        return argv;
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static LibFuse2 library() {
        LibFuse2 l = lib;
        if (l == null) {
            synchronized (WorkerLoop.class) {
                if (lib == null) {
                    lib = LibraryLoader.create(LibFuse2.class).failImmediately().load("libfuse.so.2");
                }
                l = lib;
            }
        }
        return l;
    }
}
