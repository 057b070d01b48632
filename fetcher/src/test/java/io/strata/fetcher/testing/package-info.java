/**
 * Test fixtures shared through the fetcher test-jar: {@link io.strata.fetcher.testing.LocalRegistry} (a real
 * distribution registry on loopback) and {@link io.strata.fetcher.testing.TestImages} (small random images).
 */
package io.strata.fetcher.testing;
