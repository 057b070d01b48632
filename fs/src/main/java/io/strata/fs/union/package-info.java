/**
 * The union: {@link io.strata.fs.union.UnionView} merges ordered layer indexes with the OCI image-spec rules
 * (whiteouts, opaque directories, hardlinks). Pure: no I/O of content, testable without FUSE. The whiteout and
 * opaque rules exist here and only here ({@code TreeBuilder}; the marker names in
 * {@link io.strata.fs.union.Whiteouts}, which {@code strata commit} shares); {@code Freezer} turns the merged tree
 * into immutable {@link io.strata.fs.union.Node}s whose children are compact sorted arrays ({@code ChildMap}).
 */
package io.strata.fs.union;
