package io.strata.fs.mount;

import io.strata.fs.fuse.StrataFs;
import io.strata.fs.fuse.TestTree;
import java.nio.file.Path;

/**
 * A stand-in for {@code strata mount --foreground}, run in a child JVM by the tests: serves {@link TestTree} at
 * {@code args[0]} with image name {@code args[1]}; exits 0 after a clean unmount, 2 when mounting fails.
 */
public final class TestMountMain {

    static final String STATUS = "{\"layers\":[{\"digest\":\"sha256:00\",\"lazy\":true,\"bytesFetched\":0}]}";

    private TestMountMain() {
    }

    public static void main(String[] args) {
        TestTree tree = new TestTree();
        try {
            MountRunner.serve(StrataFs.create(tree, tree.reader()), Path.of(args[0]), MountOptions.defaults(), args[1],
                    () -> STATUS);
        } catch (MountException e) {
            System.err.println("strata: " + e.getMessage());
            System.exit(2);
        }
        System.exit(0);
    }
}
