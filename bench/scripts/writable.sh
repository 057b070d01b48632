#!/usr/bin/env bash
# Costs of the writable container layer, each next to its baselines in the same run (warm: every lower file is
# in the page cache and strata's chunk cache before it is timed):
#   copy-up   `touch` of a SIZE_MB image file, which copies the whole file up (content, metadata, fsync, rename),
#             on strata --writable, fuse-overlayfs and kernel overlayfs, against `cp` of the same file on the host
#             (as is, and followed by fsync like the copy-ups);
#   write     dd of SIZE_MB from /dev/zero, bs=1M, conv=fsync, into a new file on strata --writable,
#             fuse-overlayfs, kernel overlayfs and the plain directory.
# Prints a Markdown table (medians of RUNS, MB/s = SIZE_MB / seconds).
# Usage (root): bench/scripts/writable.sh [WORK_DIR]      env: SIZE_MB (1024), RUNS (3), STRATA=jar (pin a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
scripts/install-deps.sh
strata() { if [[ -n ${STRATA:-} ]]; then java -cp "$STRATA" io.strata.fs.cli.StrataCommand "$@"; else ./strata "$@"; fi; }
strata --version >/dev/null
work=${1:-$(mktemp -d /var/tmp/strata-writable.XXXXXX)}
mkdir -p "$work"
mnt=$work/mnt
mkdir -p "$mnt"
cleanup() {
  strata umount "$mnt" >/dev/null 2>&1 || true
  mountpoint -q "$mnt" && { fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt"; }
  rm -rf "$work"/up-* "$work"/cp-* "$work"/plain
}
trap cleanup EXIT

# The image: one uncompressed layer holding big.bin (random bytes), written as an OCI layout by hand.
layout=$work/layout
if [[ ! -f $layout/index.json ]]; then
  rm -rf "$work/rootfs" "$layout"; mkdir -p "$work/rootfs/data" "$layout/blobs/sha256"
  head -c "$((size_mb << 20))" /dev/urandom >"$work/rootfs/data/big.bin"
  tar --numeric-owner -C "$work/rootfs" -cf "$work/layer.tar" data
  blob() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); mv "$1" "$layout/blobs/sha256/$d"; echo "$d"; }
  layer_size=$(stat -c %s "$work/layer.tar"); layer=$(blob "$work/layer.tar")
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$layer" >"$work/config"
  config_size=$(stat -c %s "$work/config"); config=$(blob "$work/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest"
  manifest_size=$(stat -c %s "$work/manifest"); manifest=$(blob "$work/manifest")
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$manifest" "$manifest_size" >"$layout/index.json"
fi
image=oci:$layout:v1
lower=$work/rootfs
cache=$work/cache
cat "$lower/data/big.bin" >/dev/null

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# mount_KIND RUN: mounts a fresh upper of KIND at $mnt; unmount_KIND undoes it.
mount_strata() {
  strata mount --cache-dir "$cache" --writable --upper "$work/up-strata-$1" "$image" "$mnt" >/dev/null
  cat "$mnt/data/big.bin" >/dev/null # the first mount of this cache fetched and indexed the layer; now warm
}
unmount_strata() { strata umount "$mnt" >/dev/null; }
mount_fuse-overlayfs() {
  mkdir -p "$work/up-fo-$1/u" "$work/up-fo-$1/w"
  fuse-overlayfs -o "lowerdir=$lower,upperdir=$work/up-fo-$1/u,workdir=$work/up-fo-$1/w" "$mnt"
}
unmount_fuse-overlayfs() { fusermount3 -u "$mnt"; }
mount_overlay() {
  mkdir -p "$work/up-ov-$1/u" "$work/up-ov-$1/w"
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/up-ov-$1/u,workdir=$work/up-ov-$1/w" "$mnt"
}
unmount_overlay() { umount "$mnt"; }

declare -A copy write
for kind in strata fuse-overlayfs overlay; do
  c=(); w=()
  for run in $(seq "$runs"); do
    "mount_$kind" "$run"
    t0=$(now); touch "$mnt/data/big.bin"; t1=$(now)
    c+=("$(elapsed "$t0" "$t1")")
    t0=$(now); dd if=/dev/zero of="$mnt/out" bs=1M count="$size_mb" conv=fsync status=none; t1=$(now)
    w+=("$(elapsed "$t0" "$t1")")
    [[ $(stat -c %s "$mnt/data/big.bin") == $((size_mb << 20)) ]] || { echo "copy-up lost bytes on $kind" >&2; exit 1; }
    "unmount_$kind"
    rm -rf "$work"/up-*
  done
  copy[$kind]=$(median "${c[@]}"); write[$kind]=$(median "${w[@]}")
done
c=(); c2=(); w=()
for run in $(seq "$runs"); do
  t0=$(now); cp "$lower/data/big.bin" "$work/cp-$run"; t1=$(now); c+=("$(elapsed "$t0" "$t1")")
  rm -f "$work/cp-$run"
  t0=$(now); cp "$lower/data/big.bin" "$work/cp-$run"; sync -d "$work/cp-$run"; t1=$(now); c2+=("$(elapsed "$t0" "$t1")")
  rm -f "$work/cp-$run"
  mkdir -p "$work/plain"
  t0=$(now); dd if=/dev/zero of="$work/plain/out" bs=1M count="$size_mb" conv=fsync status=none; t1=$(now)
  w+=("$(elapsed "$t0" "$t1")")
  rm -rf "$work/plain"
done
copy[cp]=$(median "${c[@]}"); copy[cp+fsync]=$(median "${c2[@]}"); write[plain]=$(median "${w[@]}")

mbps() { python3 -c "print(f'{$size_mb / $1:.0f}')"; }
echo "| $size_mb MiB, median of $runs, $(nproc) cores | copy-up (touch) s | MB/s | sequential write (dd conv=fsync) s | MB/s |"
echo "|---|---:|---:|---:|---:|"
for kind in strata fuse-overlayfs overlay; do
  echo "| $kind | ${copy[$kind]} | $(mbps "${copy[$kind]}") | ${write[$kind]} | $(mbps "${write[$kind]}") |"
done
echo "| host cp / plain directory | ${copy[cp]} | $(mbps "${copy[cp]}") | ${write[plain]} | $(mbps "${write[plain]}") |"
echo "| host cp + fsync | ${copy[cp+fsync]} | $(mbps "${copy[cp+fsync]}") | | |"
