package io.strata.fs.cli;

/**
 * A picocli command that another module adds to {@code strata} (through {@link java.util.ServiceLoader}), so that
 * {@code fs} never depends on it: {@code strata bench} comes from module {@code bench} this way. Implementations are
 * {@code @Command}-annotated classes listed in {@code META-INF/services/io.strata.fs.cli.StrataSubcommand}.
 */
public interface StrataSubcommand {
}
