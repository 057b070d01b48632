package io.strata.cache.chunk;

import java.util.concurrent.atomic.LongAdder;

/** The live counters of one cache instance, shared by its tiers; cheap to bump from many threads. */
final class Counters {

    final LongAdder memoryHits = new LongAdder();
    final LongAdder diskHits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder bytesLoaded = new LongAdder();
    final LongAdder bytesServed = new LongAdder();

    CacheStats snapshot() {
        return new CacheStats(memoryHits.sum(), diskHits.sum(), misses.sum(), loadFailures.sum(),
                bytesLoaded.sum(), bytesServed.sum());
    }
}
