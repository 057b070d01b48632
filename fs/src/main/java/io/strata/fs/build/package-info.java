/**
 * {@code strata build -f FILE [-t TARGET] CONTEXT}: a Dockerfile subset built on a lazily read base image.
 *
 * <ul>
 *   <li>{@link io.strata.fs.build.Dockerfile} ({@code DockerfileParser}, {@code Instruction}, {@code Words}): the
 *       text to instructions: one FROM, then RUN, COPY [--chown], ENV, WORKDIR, CMD, ENTRYPOINT, LABEL; comments,
 *       continuations, the escape directive, JSON (exec) forms, {@code $VAR}/{@code ${VAR:-x}} in COPY, ENV, LABEL,
 *       WORKDIR. Anything else fails naming the line.</li>
 *   <li>{@link io.strata.fs.build.Builder}: the steps in order, each turning one image state into the next.
 *       Config-only steps edit the config and add an {@code empty_layer} history entry
 *       ({@code io.strata.fetcher.commit.ImageDraft}); COPY ({@code CopyStep}, {@code CopyLayer},
 *       {@code ContextFiles}) writes its layer straight from the context files, using the state's merged tree only
 *       to resolve the destination through the image's symlinks ({@code RootPaths}) and keep the metadata of the
 *       directories on the way; RUN ({@code RunStep}, {@code ChrootRun}) mounts the state writable in this process
 *       ({@code WritableFs}), runs the command chrooted in private mount and PID namespaces, and commits the upper
 *       directory as the layer ({@code UpperChanges}, {@code LayerWriter}).</li>
 *   <li>Lazy base: a state is the base's layers (read from the base's repository through the chunk cache, only what
 *       a step touches) plus the build's layers, kept with every state's config and manifest in an OCI layout in the
 *       cache directory ({@code BuildCache}, read through {@code StateSource}). Pushing copies to the target only
 *       the base layers it lacks: none when it is the base's repository.</li>
 *   <li>Layer cache ({@code BuildCache}): a step's key is the sha256 of the parent state's manifest digest, its text
 *       and its other inputs (COPY: the files' contents and metadata; the layer format); an unchanged step reuses
 *       the state it produced before (CACHED), so an unchanged build gives the same manifest digest. {@code strata
 *       cache clear} empties it.</li>
 * </ul>
 */
package io.strata.fs.build;
