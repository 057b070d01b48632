package io.strata.fs.cli;

import picocli.CommandLine;

/** {@code strata --version}: the version the jar was built as. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = StrataCommand.class.getPackage().getImplementationVersion();
        return new String[] {"strata " + (v != null ? v : "(development build)"),
                "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")};
    }
}
