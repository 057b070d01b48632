package io.strata.fs.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Debian 12 root filesystem made by {@code debootstrap --variant=minbase}, archived once and kept in a
 * cache outside the repository ({@code $STRATA_TEST_CACHE}, default {@code /var/cache/strata-test}) because it
 * takes minutes to build. The mirror is the one this host's apt uses, read from its sources.
 */
final class DebootstrapImage {
    private DebootstrapImage() {
    }

    /** Where built fixtures are kept between runs. */
    static Path cacheDir() {
        String env = System.getenv("STRATA_TEST_CACHE");
        return Path.of(env != null && !env.isBlank() ? env : "/var/cache/strata-test");
    }

    /**
     * An OCI layout holding the rootfs as one eStargz layer, tagged {@code base} (made by umoci, converted by
     * {@code strata convert}: about half a minute, once; kept next to the tar).
     */
    static synchronized Path estargzLayout() throws IOException, InterruptedException {
        Path layout = cacheDir().resolve("debootstrap-bookworm-minbase-estargz");
        if (Files.isRegularFile(layout.resolve("index.json"))) {
            return layout;
        }
        Path tar = rootfsTar();
        Path work = Files.createTempDirectory(cacheDir(), "estargz");
        Path partial = cacheDir().resolve(layout.getFileName() + ".part");
        try {
            String gzip = work.resolve("gzip").toString();
            Shell.run("umoci", "init", "--layout", gzip);
            Shell.run("umoci", "new", "--image", gzip + ":base");
            Shell.run("umoci", "raw", "add-layer", "--image", gzip + ":base", tar.toString());
            Shell.run("rm", "-rf", partial.toString());
            StrataCli.run("convert", "--cache-dir", work.resolve("cache").toString(), "oci:" + gzip + ":base",
                    "oci:" + partial + ":base");
            Files.move(partial, layout);
            return layout;
        } finally {
            Shell.run("rm", "-rf", work.toString(), partial.toString());
        }
    }

    /** The rootfs tar (uncompressed, numeric owners, xattrs), built on first use. */
    static synchronized Path rootfsTar() throws IOException, InterruptedException {
        Path cache = cacheDir();
        Path tar = cache.resolve("debootstrap-bookworm-minbase.tar");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        Files.createDirectories(cache);
        Path rootfs = Files.createTempDirectory(cache, "rootfs");
        Path partial = cache.resolve(tar.getFileName() + ".part");
        try {
            Shell.run("debootstrap", "--variant=minbase", "bookworm", rootfs.toString(), mirror());
            Shell.run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", rootfs.toString(),
                    "--sort=name", "-cf", partial.toString(), ".");
            Files.move(partial, tar);
            return tar;
        } finally {
            Shell.run("rm", "-rf", rootfs.toString(), partial.toString());
        }
    }

    /** The first Debian archive URI of this host's apt sources (deb822 or one-line format). */
    static String mirror() throws IOException, InterruptedException {
        String uri = Shell.bash("cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null"
                + " | grep -v '^#' | grep -oE '(URIs:|deb) +[a-z]+://[^ ]+' | awk '{print $2}'"
                + " | grep -v security | grep -E '/debian/?$' | head -1 || true").trim();
        if (uri.isEmpty()) {
            throw new IOException("no Debian mirror found in /etc/apt/sources.list(.d): debootstrap needs one");
        }
        return uri;
    }
}
