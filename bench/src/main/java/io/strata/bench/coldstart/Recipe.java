package io.strata.bench.coldstart;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The built-in benchmark images, each made by a script of {@code bench/scripts/images} (packaged in the bench jar)
 * into an OCI layout, from offline-reproducible sources: Debian 12 packages through {@code debootstrap} and
 * {@code chroot apt-get}, or this host's files. The image is {@code LAYOUT:<name>}.
 */
enum Recipe {

    QUICK("quick.sh", "The host's /bin/sh, find, wc and python3 with its standard library (no network; for --quick"
            + " and the test suite)", Workload.PYTHON_HELLO, Workload.FIND),
    PYTHON("python.sh", "Debian 12 minbase + apt-get install python3", Workload.PYTHON_HELLO,
            Workload.PYTHON_IMPORTS, Workload.FIND),
    JDK("jdk.sh", "Debian 12 minbase + apt-get install openjdk-17-jre-headless + a hello jar",
            Workload.JAVA_VERSION, Workload.JAVA_HELLO, Workload.FIND),
    LARGE("large.sh", "Debian 12 developer image: C/C++ toolchain, python3 with numpy/scipy/pandas/matplotlib/"
            + "sympy, Node.js and npm, Go, a JDK, kernel and Boost headers (2.5 GB, 115 000 files unpacked)", Workload.PYTHON_HELLO,
            Workload.PYTHON_IMPORTS, Workload.JAVA_VERSION, Workload.FIND);

    /** Sourced by the Debian recipes. */
    static final String DEBIAN_LIBRARY = "debian.sh";

    private final String script;
    private final String description;
    private final List<Workload> workloads;

    Recipe(String script, String description, Workload... workloads) {
        this.script = script;
        this.description = description;
        this.workloads = List.of(workloads);
    }

    /** The name users give to {@code --image} and the image's tag in its layout. */
    String imageName() {
        return name().toLowerCase(Locale.ROOT);
    }

    String script() {
        return script;
    }

    String description() {
        return description;
    }

    /** The workloads that make sense in this image, in report order. */
    List<Workload> workloads() {
        return workloads;
    }

    /** The recipe called {@code name}, if there is one. */
    static java.util.Optional<Recipe> named(String name) {
        return Arrays.stream(values()).filter(r -> r.imageName().equals(name)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Recipe::imageName).collect(Collectors.joining(", "));
    }
}
