/**
 * The chunk cache: every byte of file content a mount serves passes through {@link
 * io.strata.cache.chunk.ChunkCache#get}. Public: {@link io.strata.cache.chunk.ChunkCache}, {@link
 * io.strata.cache.chunk.ChunkKey}, {@link io.strata.cache.chunk.CacheConfig}, {@link
 * io.strata.cache.chunk.ChunkCaches} (factory), {@link io.strata.cache.chunk.CacheAdmin} (the {@code strata
 * cache} commands), {@link io.strata.cache.chunk.CacheStats}. Everything else is package-private.
 *
 * <p>Choices, and why:
 * <ul>
 *   <li><b>Keys.</b> A chunk's own sha256 where the layer format gives one (identical chunks of any layer or
 *       image are one file), else layer digest + range. Chunks are verified against their digests on the way in;
 *       every file ends in a table of CRC-32Cs, one per 64 KiB block ({@code ChunkFileFormat}), checked for what
 *       every disk read returns (truncation, rot, an older layout), at memory speed where re-hashing with SHA-256
 *       held cold sequential reads to a tenth of the disk's rate; a random read takes only the blocks it needs
 *       ({@link io.strata.cache.chunk.ChunkCache#readPart}). {@code strata cache verify} re-hashes content files
 *       against their names. Files of 1 MiB and more are read whole with {@code O_DIRECT} into a reused aligned
 *       buffer ({@code DirectReads}): one copy instead of a page-cache fill and two.</li>
 *   <li><b>Tiers.</b> Caffeine bounded by bytes (a weigher) over one file per chunk at
 *       {@code chunks/ab/cd/<name>}. {@code LoadingChunkCache} adds single flight (a map of futures; loads run
 *       outside any lock) and verification over any store, so one contract test covers memory, disk and both.
 *       Memory over disk ({@code TieredStore}): a disk read is single flight too (concurrent kernel readahead
 *       asks for the same chunk several times), new chunks reach the disk behind the reader, and
 *       {@link io.strata.cache.chunk.ChunkCache#readAhead} lets a sequential reader have the next chunks read
 *       from disk in the background ({@link io.strata.cache.chunk.SequentialReadAhead}). Chunks of up to 4 MiB are
 *       read ahead off the heap, into a ring of reusable aligned slots ({@code StagedChunks}, half the memory
 *       bound, 8 slots for a mount) that the disk fills directly and readers copy their parts from, under a
 *       sequence lock per slot: no array to allocate, zero and fill per chunk, which was a third of the CPU of a
 *       cold sequential read.</li>
 *   <li><b>Crash safety.</b> Write to {@code tmp/strata-chunk.PID.RAND.tmp}, fsync, rename under the final name:
 *       a name only ever refers to a complete, verified file. Temp files of dead processes (or older than a
 *       minute) are removed by a background task at open and by {@code verify}/{@code clear}.</li>
 *   <li><b>Sharing and bound.</b> A 96-byte {@code ledger} file holds bytes/entries on disk and the counters of
 *       all processes; every publish and delete happens under its exclusive file lock, so the bound is checked
 *       atomically with the rename (never exceeded, modulo drift after a crash). Opening reads only the ledger;
 *       a full scan happens in the background when the totals are over an hour old or unreadable, and when
 *       eviction runs out of candidates.</li>
 *   <li><b>Eviction.</b> Least recently used by file mtime (a hit re-stamps it at most once a minute), from a
 *       sorted scan consumed over many evictions; 5 % headroom beyond the need. Chunks this process is reading
 *       are pinned; other processes' readers copy a chunk through one open descriptor, which survives unlink.</li>
 * </ul>
 */
package io.strata.cache.chunk;
