/**
 * {@code strata pull}: the eager path. (Design notes and measurements: see below, filled in.)
 */
package io.strata.fs.pull;
