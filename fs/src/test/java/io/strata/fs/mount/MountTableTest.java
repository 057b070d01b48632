package io.strata.fs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void parse_fuseLineWithEscapedSpace_mountpointAndType() {
        MountTable.Mount m = MountTable.parse(
                "95 30 0:52 / /tmp/my\\040mnt ro,nosuid,nodev,relatime shared:50 - fuse.strata strata ro,user_id=0");
        assertEquals(Path.of("/tmp/my mnt"), m.mountpoint());
        assertEquals("fuse.strata", m.fsType());
        assertEquals("strata", m.source());
        assertTrue(m.isFuse());
    }

    @Test
    void parse_noOptionalFields_stillFindsSeparator() {
        MountTable.Mount m = MountTable.parse("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw");
        assertEquals(Path.of("/"), m.mountpoint());
        assertFalse(m.isFuse());
    }

    @Test
    void parse_garbage_null() {
        assertNull(MountTable.parse("not a mountinfo line"));
    }

    @Test
    void unescape_backslashAndTab_decoded() {
        assertEquals("a\\b\tc", MountTable.unescape("a\\134b\\011c"));
        assertEquals("trailing\\04", MountTable.unescape("trailing\\04"));
    }

    @Test
    void fuseArgs_defaults_readOnlyCachedNoSingleThread() {
        List<String> args = MountOptions.defaults().fuseArgs();
        assertEquals("-o", args.get(0));
        String opts = args.get(1);
        for (String o : List.of("ro", "nosuid", "nodev", "kernel_cache", "use_ino", "fsname=strata", "subtype=strata",
                "entry_timeout=3600", "attr_timeout=3600", "negative_timeout=3600")) {
            assertTrue(List.of(opts.split(",")).contains(o), o + " missing from " + opts);
        }
        assertFalse(opts.contains("allow_other"));
        assertFalse(args.contains("-s"));
        assertTrue(MountOptions.defaults().withAllowOther(true).fuseArgs().get(1).contains("allow_other"));
    }
}
