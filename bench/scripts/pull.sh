#!/usr/bin/env bash
# Eager pull, side by side in one run, from a local registry (loopback), page cache dropped before each:
#   legacy         skopeo copy to an OCI layout + umoci unpack (the usual pull + unpack)
#   strata-cold    strata pull, empty snapshot store (every layer downloaded, verified, kept as a snapshot)
#   strata-warm    strata pull again into a new directory (every snapshot reused: only the tree is written)
#   legacy-shared  the image after its base image was pulled: skopeo skips the base blob, umoci unpacks everything
#   strata-shared  the same with strata pull: the base snapshot is reused, only the top layer is downloaded
# Prints one Markdown row per run (wall and CPU seconds, bytes downloaded), then the medians.
# Usage: bench/scripts/pull.sh [REPETITIONS]     (run as root)
# The image is the Debian 12 + python3 image of build-debian-python-image.sh (tags base and python), built once
# into $IMAGE_DIR (default /var/tmp/strata-bench/debian-python); IMAGE_DIR=DIR uses another layout with those tags.
# STRATA=path/to/strata.jar pins a built jar (default: the ./strata launcher).
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-3}
scripts/install-deps.sh
strata() { if [[ -n ${STRATA:-} ]]; then java -cp "$STRATA" io.strata.fs.cli.StrataCommand "$@"; else ./strata "$@"; fi; }
strata --version >/dev/null
layout=${IMAGE_DIR:-/var/tmp/strata-bench/debian-python}
[[ -f $layout/index.json ]] || bench/scripts/build-debian-python-image.sh "$layout" >/dev/null
work=$(mktemp -d /var/tmp/strata-pull-bench.XXXXXX)
port=5000; while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
printf 'version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s/registry}}\nhttp: {addr: 127.0.0.1:%s}\n' \
  "$work" "$port" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry=$!
trap 'kill $registry 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
image=127.0.0.1:$port/bench/debian
strata copy "oci:$layout:base" "$image:base" >/dev/null
strata copy "oci:$layout:python" "$image:python" >/dev/null
size() { strata inspect --json "$1" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))'; }
full=$(size "$image:python"); top=$(( full - $(size "$image:base") ))

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
pulled() { sed -n 's/.*(\([0-9]*\) bytes) downloaded.*/\1/p' "$work/out"; }
# timed MODE RUN BYTES CMD...: runs CMD with a cold page cache; one row with wall and CPU (user+sys) seconds and
# BYTES downloaded (for strata, what its last line says).
timed() {
  local mode=$1 run=$2 bytes=$3; shift 3; drop
  local t; t=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$work/out" 2>"$work/err"; } 2>&1 ) \
    || { echo "$mode failed:" >&2; cat "$work/err" >&2; exit 1; }
  read -r wall user sys <<<"$t"
  grep -q 'bytes) downloaded' "$work/out" && bytes=$(pulled) # strata says what it downloaded
  printf '| %s | %s | %.2f | %.2f | %s |\n' "$mode" "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$bytes" \
    | tee -a "$work/rows"
}
legacy() { # IMAGE TAG DIR: skopeo into the layout at DIR/layout (kept between calls), umoci unpack into DIR/TAG
  skopeo copy -q --src-tls-verify=false "docker://$1" "oci:$3/layout:$2" && umoci unpack --image "$3/layout:$2" "$3/$2" >/dev/null 2>&1
}

echo "image $image:python: $full bytes compressed (2 layers; the python layer alone: $top bytes); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| mode | run | wall (s) | CPU (s) | bytes downloaded |"
echo "|---|---|---:|---:|---:|"
for r in $(seq "$reps"); do
  rm -rf "$work/legacy" "$work/snap" "$work/rootfs"*; mkdir -p "$work/legacy"
  timed legacy "$r" "$full" legacy "$image:python" python "$work/legacy"
  timed strata-cold "$r" "$full" strata pull --snapshot-dir "$work/snap" "$image:python" "$work/rootfs-cold"
  [[ $(pulled) == "$full" ]] || { echo "strata-cold downloaded $(pulled) bytes, expected $full" >&2; exit 1; }
  timed strata-warm "$r" - strata pull --snapshot-dir "$work/snap" "$image:python" "$work/rootfs-warm"
  rm -rf "$work/legacy" "$work/snap" "$work/rootfs"*; mkdir -p "$work/legacy"
  legacy "$image:base" base "$work/legacy"
  timed legacy-shared "$r" "$top" legacy "$image:python" python "$work/legacy"
  strata pull --snapshot-dir "$work/snap" "$image:base" "$work/rootfs-base" >/dev/null 2>&1
  timed strata-shared "$r" "$top" strata pull --snapshot-dir "$work/snap" "$image:python" "$work/rootfs-shared"
  [[ $(pulled) == "$top" ]] || { echo "strata-shared downloaded $(pulled) bytes, expected $top" >&2; exit 1; }
done
echo
echo "medians of $reps (load at the end: $(cut -d' ' -f1-3 /proc/loadavg)):"
echo
echo "| mode | wall (s) | CPU (s) |"
echo "|---|---:|---:|"
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
for mode in legacy strata-cold strata-warm legacy-shared strata-shared; do
  col() { awk -F'|' -v m=" $mode " -v c="$1" '$2 == m { print $c }' "$work/rows" | median; }
  echo "| $mode | $(col 4) | $(col 5) |"
done
