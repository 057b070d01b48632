/**
 * The {@code strata} command line (picocli): one class per subcommand, thin, calling the image, mount and
 * fetcher APIs. Exit codes: 0 ok, 1 usage error, 2 runtime error.
 */
package io.strata.fs.cli;
