/**
 * Writing a new layer blob from entries given by the caller ({@code strata commit}: the changes of an upper
 * directory). {@link io.strata.fetcher.layer.write.LayerWriter} turns a sorted list of
 * {@link io.strata.fetcher.layer.write.NewEntry}s into a {@code tar+gzip} or eStargz blob and says what it wrote
 * ({@link io.strata.fetcher.layer.write.WrittenLayer}: digest, size, diff_id, annotations).
 *
 * <p>Reproducible by construction: the same entries give the same bytes, hence the same digest. Entries are
 * written in the order given, which must be strictly increasing by the UTF-8 bytes of their paths (so parents
 * come before children); headers come from {@link io.strata.fetcher.layer.tar.TarHeaders} (ustar, PAX only for
 * what ustar cannot say, no user/group names, no atime/ctime); modification times are truncated to whole
 * seconds (as Docker and BuildKit do: sub-second times would cost a PAX record per entry and are rarely kept by
 * the tools that made the files); gzip has a fixed header (no name, mtime 0) and a fixed level.
 */
package io.strata.fetcher.layer.write;
