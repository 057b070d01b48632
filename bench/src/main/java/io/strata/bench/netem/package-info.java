/**
 * A userspace WAN emulator for benchmarks: a TCP proxy on loopback that delays each direction of every
 * connection it relays, limits each direction of the link to its rate (shared by all connections, like a real
 * bottleneck), and injects faults on demand. It stands in for {@code tc netem}, which the
 * kernels we benchmark on often lack.
 *
 * <p>Public API: {@link io.strata.bench.netem.LinkProfile} (what the link looks like, parsed from flags),
 * {@link io.strata.bench.netem.NetemProxy} (the proxy and its faults), {@link io.strata.bench.netem.Calibration}
 * (what the emulated link measures) and {@link io.strata.bench.netem.NetemCommand} ({@code strata bench netem}).
 * The relay machinery (a delay line per connection and direction, a token bucket per direction of the link)
 * is package-private.
 */
package io.strata.bench.netem;
