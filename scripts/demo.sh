#!/usr/bin/env bash
# The quick-start demo, end to end on this host, as root:
#   builds a ~100 MB, 4-layer sample image from files of this Debian host (with a whiteout and an opaque
#   directory), serves it from a local registry, pushes it with `strata copy`, mounts it with
#   `strata mount`, runs python3 from it in a chroot, and prints what was fetched against the image size.
# Everything it starts (registry, mount) is stopped on exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
scripts/install-deps.sh
./strata --version >/dev/null            # builds the jar on first use

work=$top/build/demo
layout=$work/layout
mnt=$work/mnt
cache=$work/cache
mkdir -p "$work" "$mnt"
rm -rf "$cache"                         # a cold cache: the demo shows a first mount

port=${STRATA_DEMO_PORT:-5000}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
registry_dir=$(mktemp -d)
cat >"$registry_dir/config.yml" <<YML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $registry_dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$registry_dir/config.yml" >"$registry_dir/registry.log" 2>&1 &
registry_pid=$!
cleanup() {
  ./strata umount "$mnt" >/dev/null 2>&1 || true
  kill "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  rm -rf "$registry_dir"
}
trap cleanup EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

image=127.0.0.1:$port/demo/app:latest
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }

[[ -f $layout/index.json ]] || { echo "building the sample image in $layout ..."; scripts/build-demo-image.sh "$layout" >/dev/null; }
step ./strata copy "oci:$layout:latest" "$image"
step ./strata inspect "$image"
step ./strata mount --cache-dir "$cache" "$image" "$mnt"
step ls -ld "$mnt/usr/bin" "$mnt/usr/bin/python3.11" "$mnt/etc/motd"
step cat "$mnt/etc/os-release"
step ls "$mnt/usr/share/doc/python3.11"
step chroot "$mnt" /bin/sh -c 'echo hi from $(uname -s); python3 -c "import sys, json; print(\"python\", sys.version.split()[0], json.dumps({\"ok\": True}))"'
step ./strata status "$mnt"
step ./strata umount "$mnt"
bold "A second mount of the same image, from the cache (lazy now through the gzip checkpoints it kept):"
step ./strata mount --cache-dir "$cache" "$image" "$mnt"
step chroot "$mnt" python3 -c 'print("hello again")'
./strata status "$mnt" | grep -E '^(total|#|[0-9])'
step ./strata umount "$mnt"

bold "Lazy from the first mount: the image converted to eStargz, mounted with an empty cache:"
step ./strata convert --cache-dir "$work/convert-cache" "$image" "${image%:*}:estargz"
rm -rf "$cache"
step ./strata mount --cache-dir "$cache" "${image%:*}:estargz" "$mnt"
step chroot "$mnt" python3 -c 'print("hello, lazily")'
./strata status "$mnt" | grep -E '^(total|#|[0-9])'
step ./strata umount "$mnt"
