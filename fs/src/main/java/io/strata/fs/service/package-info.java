/**
 * The resident mount service: {@link io.strata.fs.service.MountService} serves every {@code strata mount} of a
 * user from one long-lived JVM (each mount keeps its own FUSE session and control socket), and
 * {@link io.strata.fs.service.ServiceClient} is the {@code java.base}-only client that {@code strata mount} tries
 * first, so a mount with the service running starts no second JVM and loads almost no classes.
 * {@link io.strata.fs.service.ServiceProtocol} is their wire format.
 */
package io.strata.fs.service;
