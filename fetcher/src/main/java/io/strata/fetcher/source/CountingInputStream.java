package io.strata.fetcher.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports every byte read to a {@link TransferCounter}. */
final class CountingInputStream extends FilterInputStream {
    private final TransferCounter counter;

    CountingInputStream(InputStream in, TransferCounter counter) {
        super(in);
        this.counter = counter;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counter.add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            counter.add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        counter.add(skipped);
        return skipped;
    }
}
