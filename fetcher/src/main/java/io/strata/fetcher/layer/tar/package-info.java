/**
 * Our own tar code. Reading: {@link io.strata.fetcher.layer.tar.TarIndexer} reads an uncompressed tar stream
 * once and yields {@link io.strata.fetcher.layer.Entry} records with the exact offsets of their content.
 * Writing: {@link io.strata.fetcher.layer.tar.TarHeaders} encodes an entry's header (ustar + PAX) for the
 * eStargz writer and the layer writer, so both write headers the reader parses back to the same entry.
 *
 * <p>Why not Commons Compress: it decodes binary PAX values ({@code SCHILY.xattr.security.capability}) as text,
 * turning bytes into U+FFFD; its random-access reader breaks on PAX sparse 1.0; and it does not report where
 * content lies in the stream. Supported: v7, ustar (name + prefix), GNU (long names 'L'/'K', base-256 numbers,
 * old sparse 'S'), PAX ('x' and 'g', records parsed as bytes, xattrs, sparse 0.0/0.1/1.0). Paths are normalized
 * and hostile paths ({@code ..}, NUL) are rejected (see {@link io.strata.fetcher.layer.tar.TarPaths}).
 */
package io.strata.fetcher.layer.tar;
