package io.strata.fetcher.layer.gzindex;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;

/**
 * The few functions of the system zlib ({@code libz.so.1}) that Java's {@link java.util.zip.Inflater} lacks:
 * {@code inflate(Z_BLOCK)} stops at deflate block boundaries, {@code inflatePrime} and
 * {@code inflateSetDictionary} resume a raw stream in the middle, {@code inflateGetDictionary} copies the
 * sliding window out. Every function takes the address of a {@link ZStream} that stays put in native memory:
 * zlib keeps a back pointer to it and refuses a stream that moved.
 */
final class Zlib {

    static final int Z_OK = 0;
    static final int Z_STREAM_END = 1;
    static final int Z_BUF_ERROR = -5;
    /** Flush mode: return at the end of every deflate block (and right after a gzip header). */
    static final int Z_BLOCK = 5;

    private Zlib() {
    }

    /**
     * The bound functions. Public only because jnr-ffi implements it in a class loader of its own, which must be
     * able to see it; the enclosing class keeps it out of the package's API.
     */
    public interface Api {
        String zlibVersion();

        int inflateInit2_(Pointer strm, int windowBits, String version, int streamSize);

        int inflate(Pointer strm, int flush);

        int inflateReset2(Pointer strm, int windowBits);

        int inflatePrime(Pointer strm, int bits, int value);

        int inflateSetDictionary(Pointer strm, Pointer dictionary, int length);

        int inflateGetDictionary(Pointer strm, Pointer dictionary, IntByReference length);

        int inflateEnd(Pointer strm);
    }

    /** libc's allocator: native memory that {@code close()} frees at once instead of whenever the GC runs. */
    public interface LibC {
        Pointer calloc(long count, long size);

        void free(Pointer pointer);
    }

    /**
     * {@code z_stream} of zlib.h as laid out by the C ABI of a 64-bit Linux: pointers and {@code uLong} are 8
     * bytes, {@code uInt} and {@code int} 4 (padded to 8 before the next 8-byte field), 112 bytes in all.
     */
    static final class ZStream extends Struct {
        final Pointer nextIn = new Pointer();
        final Unsigned32 availIn = new Unsigned32();
        final UnsignedLong totalIn = new UnsignedLong();
        final Pointer nextOut = new Pointer();
        final Unsigned32 availOut = new Unsigned32();
        final UnsignedLong totalOut = new UnsignedLong();
        final Pointer msg = new Pointer();
        final Pointer state = new Pointer();
        final Pointer zalloc = new Pointer();
        final Pointer zfree = new Pointer();
        final Pointer opaque = new Pointer();
        final Signed32 dataType = new Signed32();
        final UnsignedLong adler = new UnsignedLong();
        final UnsignedLong reserved = new UnsignedLong();

        ZStream(Runtime runtime) {
            super(runtime);
        }
    }

    /** Loaded once per process. */
    static final class Native {
        static final Api Z;
        static final LibC C;
        static final Runtime RUNTIME;
        static final String VERSION;

        static {
            try {
                Z = LibraryLoader.create(Api.class).failImmediately().load("z");
                C = LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("cannot load the system zlib (libz.so.1), which gzip checkpoint"
                        + " indexes need; install it (Debian: apt-get install zlib1g): " + e.getMessage(), e);
            }
            RUNTIME = Runtime.getRuntime(Z);
            VERSION = Z.zlibVersion();
        }

        private Native() {
        }
    }
}
