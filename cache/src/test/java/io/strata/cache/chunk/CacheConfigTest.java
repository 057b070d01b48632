package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CacheConfigTest {

    @ParameterizedTest
    @CsvSource({"512M,536870912", "10G,10737418240", "1.5G,1610612736", "4096,4096", "64k,65536", "2GiB,2147483648",
            "1T,1099511627776", "100MB,104857600", " 1g ,1073741824", "0,0"})
    void parseSize_validText_bytesInPowersOf1024(String text, long bytes) {
        assertEquals(bytes, CacheConfig.parseSize("--cache-max-size", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "10X", "-5G", "1,5G", "ten", "1.5", "99999999999T"})
    void parseSize_badText_errorNamesFlagAndText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheConfig.builder().diskMaxSize(text));
        assertTrue(e.getMessage().startsWith("--cache-max-size"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void diskMaxSize_zero_rejectedNamingTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheConfig.builder().diskMaxSize("0"))
                .getMessage().contains("--cache-max-size"));
    }

    @Test
    void build_defaults_memory256MAndDiskComputedAtOpen() {
        CacheConfig c = CacheConfig.builder().directory(Path.of("/tmp/x/../y")).build();
        assertEquals(Path.of("/tmp/y"), c.directory());
        assertEquals(256L << 20, c.memoryMaxBytes());
        assertFalse(c.diskMaxBytes().isPresent());
        assertEquals(1L << 30, CacheConfig.builder().diskMaxSize("1G").build().diskMaxBytes().getAsLong());
    }

    @Test
    void defaultDiskMaxBytes_largeDisk_cappedAt10G() {
        assertEquals(10L << 30, CacheConfig.defaultDiskMaxBytes(1L << 40, 0));
    }

    @Test
    void defaultDiskMaxBytes_smallDisk_quarterOfFreePlusCache() {
        assertEquals(3_000_000, CacheConfig.defaultDiskMaxBytes(10_000_000, 2_000_000));
    }

    @Test
    void defaultDirectory_precedence_envThenRootThenXdgThenHome() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/data/c"), CacheConfig.defaultDirectory(Map.of("STRATA_CACHE_DIR", "/data/c",
                "XDG_CACHE_HOME", "/x"), true, home));
        assertEquals(Path.of("/var/cache/strata"), CacheConfig.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x"), true, home));
        assertEquals(Path.of("/x/strata"), CacheConfig.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x"), false, home));
        assertEquals(Path.of("/home/u/.cache/strata"), CacheConfig.defaultDirectory(Map.of("XDG_CACHE_HOME", "rel"), false, home));
        assertEquals(Path.of("/home/u/.cache/strata"), CacheConfig.defaultDirectory(Map.of(), false, home));
    }
}
