package io.strata.fs.cli;

import io.strata.fs.mount.MountControl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strata umount DIR}: asks the mount's process to unmount and exit; cleans a dead mount left behind. */
@Command(name = "umount", aliases = "unmount", mixinStandardHelpOptions = true,
        description = "Unmount a strata mount (also one left dead by a killed process).")
final class UmountCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "the mount point")
    Path mountpoint;

    @Override
    public Integer call() throws Exception {
        String what = MountControl.unmount(mountpoint.toAbsolutePath());
        if (what != null && !what.isBlank()) {
            System.out.println(what);
        }
        return 0;
    }
}
