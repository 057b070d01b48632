package io.strata.cache.chunk;

import java.io.IOException;

/** Memory over disk: a disk hit is promoted to memory; a new chunk goes to both. */
final class TieredStore implements ChunkStore {

    private final MemoryStore memory;
    private final DiskStore disk;

    TieredStore(MemoryStore memory, DiskStore disk) {
        this.memory = memory;
        this.disk = disk;
    }

    @Override
    public byte[] read(ChunkKey key) {
        byte[] bytes = memory.read(key);
        if (bytes == null) {
            bytes = disk.read(key);
            if (bytes != null) {
                memory.write(key, bytes);
            }
        }
        return bytes;
    }

    @Override
    public void write(ChunkKey key, byte[] verified) throws IOException {
        memory.write(key, verified); // first: it cannot fail, and a disk failure must not lose the memory copy
        disk.write(key, verified);
    }

    @Override
    public void close() throws IOException {
        try {
            disk.close();
        } finally {
            memory.close();
        }
    }
}
