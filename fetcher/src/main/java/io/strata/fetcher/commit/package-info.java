/**
 * A new image made of a base image and one more layer on top ({@code strata commit}): the base's config with the
 * layer's diff_id and a history entry appended (every other field kept, unknown ones included), the base's
 * manifest with the new config and the layer appended (in the base's family: OCI or Docker), pushed together with
 * whatever base layers the target lacks. The layer itself comes from {@link io.strata.fetcher.layer.write}.
 */
package io.strata.fetcher.commit;
