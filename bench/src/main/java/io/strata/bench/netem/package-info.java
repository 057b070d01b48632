/**
 * A userspace WAN emulator for benchmarks: a TCP proxy on loopback that delays and rate-limits each direction
 * of every connection it relays, and injects faults on demand. It stands in for {@code tc netem}, which the
 * kernels we benchmark on often lack.
 *
 * <p>Public API: {@link io.strata.bench.netem.LinkProfile} (what the link looks like, parsed from flags),
 * {@link io.strata.bench.netem.NetemProxy} (the proxy and its faults), {@link io.strata.bench.netem.Calibration}
 * (what the emulated link measures) and {@link io.strata.bench.netem.NetemCommand} ({@code strata bench netem}).
 * The relay machinery (a delay line and a token bucket per direction) is package-private.
 */
package io.strata.bench.netem;
