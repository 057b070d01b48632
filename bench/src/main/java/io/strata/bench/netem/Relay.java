package io.strata.bench.netem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * One direction of one relayed connection: a delay line followed by the link's token bucket. The reader thread stamps
 * every chunk it reads with the time it is due (read time plus the one-way delay) and queues it at once, so
 * bytes in flight overlap as on a real link; the writer thread waits for each chunk's time, paces it to the
 * rate and writes it. Sleeping before reading instead would serialize round trips and halve throughput.
 *
 * <p>A downstream relay (one with {@link Faults}) also applies the faults it claims.
 */
final class Relay {

    private enum Kind { DATA, EOF, ABORT }

    private record Chunk(long dueNanos, Kind kind, byte[] bytes) {
    }

    private static final int READ_SIZE = 64 * 1024;
    /**
     * Bytes a relay holds before it stops reading (and TCP's flow control pushes back on the sender). Large
     * enough for the bandwidth-delay product of any link worth emulating on loopback (16 MiB = 1.3 Gbit/s at
     * 100 ms), small enough that a connection cannot fill the heap.
     */
    private static final int MAX_QUEUED_BYTES = 16 << 20;
    /** Largest write paced at once: small enough that pacing is smooth at a few Mbit/s. */
    private static final int WRITE_SLICE = 16 * 1024;

    private final String name;
    private final Socket from;
    private final Socket to;
    private final long delayNanos;
    private final long notBeforeNanos;
    private final TokenBucket bucket;
    private final Faults faults;
    private final Link link;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final Semaphore queuedBytes = new Semaphore(MAX_QUEUED_BYTES);
    private final Thread reader;
    private final Thread writer;

    /**
     * @param notBeforeNanos nothing read is due before this time plus the delay (emulates the handshake's RTT)
     * @param bucket         the link's rate in this direction, shared with its other connections; null for
     *                       unlimited
     * @param faults         the proxy's faults for the downstream relay, {@code null} upstream
     */
    Relay(String name, Socket from, Socket to, Duration delay, long notBeforeNanos, TokenBucket bucket,
          Faults faults, Link link) {
        this.name = name;
        this.from = from;
        this.to = to;
        this.delayNanos = delay.toNanos();
        this.notBeforeNanos = notBeforeNanos;
        this.bucket = bucket;
        this.faults = faults;
        this.link = link;
        this.reader = daemon(this::readLoop, name + "-read");
        this.writer = daemon(this::writeLoop, name + "-write");
    }

    void start() {
        reader.start();
        writer.start();
    }

    /** Wakes both threads after the link closed their sockets (a reader blocked on the byte budget, say). */
    void interrupt() {
        reader.interrupt();
        writer.interrupt();
    }

    private void readLoop() {
        byte[] buf = new byte[READ_SIZE];
        try {
            InputStream in = from.getInputStream();
            while (true) {
                int n = in.read(buf);
                long due = Math.max(System.nanoTime(), notBeforeNanos) + delayNanos;
                if (n < 0) {
                    queue.put(new Chunk(due, Kind.EOF, null));
                    return;
                }
                queuedBytes.acquire(n);
                queue.put(new Chunk(due, Kind.DATA, Arrays.copyOf(buf, n)));
            }
        } catch (IOException e) {
            if (!link.isClosed()) {
                // the peer reset or failed: it reaches the other side one delay later, as a reset
                queue.add(new Chunk(System.nanoTime() + delayNanos, Kind.ABORT, null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the link is closing
        }
    }

    private void writeLoop() {
        long delivered = 0;
        long truncateAt = Faults.NONE;
        long flipAt = Faults.NONE;
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.take();
                Clock.sleepUntil(c.dueNanos());
                if (c.kind() == Kind.EOF) {
                    to.shutdownOutput(); // half-close travels on; the other direction may go on
                    link.directionFinished();
                    return;
                }
                if (c.kind() == Kind.ABORT) {
                    link.reset();
                    return;
                }
                byte[] b = c.bytes();
                if (faults != null) {
                    if (faults.claimReset()) {
                        link.reset();
                        return;
                    }
                    Duration stall = faults.claimStall();
                    if (stall != null) {
                        Clock.sleepUntil(System.nanoTime() + stall.toNanos());
                    }
                    long t = faults.claimTruncate();
                    truncateAt = t == Faults.NONE ? truncateAt : delivered + t;
                    long f = faults.claimFlip();
                    flipAt = f == Faults.NONE ? flipAt : delivered + f;
                }
                if (flipAt >= delivered && flipAt < delivered + b.length) {
                    b[(int) (flipAt - delivered)] ^= (byte) 0xFF;
                }
                boolean cut = truncateAt != Faults.NONE && truncateAt - delivered <= b.length;
                int length = cut ? (int) (truncateAt - delivered) : b.length;
                write(out, b, length);
                delivered += length;
                queuedBytes.release(b.length);
                if (cut) {
                    link.close(); // a FIN after exactly truncateAt bytes: the client sees an early EOF
                    return;
                }
            }
        } catch (IOException e) {
            if (!link.isClosed()) {
                link.reset();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(OutputStream out, byte[] b, int length) throws IOException, InterruptedException {
        if (bucket == null) {
            out.write(b, 0, length);
            return;
        }
        for (int off = 0; off < length; off += WRITE_SLICE) {
            int n = Math.min(WRITE_SLICE, length - off);
            bucket.acquire(n);
            out.write(b, off, n);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true); // a forgotten proxy must not keep the JVM (or a test run) alive
        return t;
    }

    @Override
    public String toString() {
        return name;
    }
}
