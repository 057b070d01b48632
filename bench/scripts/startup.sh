#!/usr/bin/env bash
# Time to first run of python3 from the demo image, the ways a user can start it, side by side in one run,
# on a local registry (loopback, no emulated WAN: see issue 5 for the benchmark with link emulation):
#   legacy        skopeo copy + umoci unpack, then chroot
#   whole         strata mount, empty cache (every layer fetched whole once, checkpoint indexes kept)
#   warm          strata mount again, same cache (nothing fetched)
#   indexed-gzip  strata mount with the indexes kept but no content cached (lazy through gzip checkpoints)
#   estargz       strata mount of the image converted to eStargz, empty cache
#   estargz-opt   the same, converted with the files `strata record` saw python3 open placed first; the mount
#                 prefetches them in the background (--prefetch prioritized, the default)
# Prints a Markdown table: seconds to mount or unpack, seconds for the command, bytes fetched.
# Usage: bench/scripts/startup.sh [REPETITIONS]     (run as root; uses scripts/demo's sample image)
# IMAGE_LAYOUT=DIR:TAG measures another image (an OCI layout with python3) instead of the demo image, e.g. the
# Debian+python3 image of bench/scripts/build-debian-python-image.sh DIR (then IMAGE_LAYOUT=DIR:python).
# NETEM="10ms 200mbit" puts the emulated WAN link of `strata bench netem` (one-way delay, rate) between every
# pull or mount and the registry; its calibration (measured RTT and rate) is printed first.
# SERVICE=1 starts the resident service (`strata service start`) before the runs, the way stargz-snapshotter's
# daemon runs before a HelloBench: every mount is then served by one warm JVM. One warm-up mount of the image
# straight from the registry (own cache, not counted) is done first; caches are still emptied per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-3}
scripts/install-deps.sh
# STRATA=path/to/strata.jar pins a built jar (while sources change); default: the ./strata launcher.
strata() { if [[ -n ${STRATA:-} ]]; then java -cp "$STRATA:bench/target/strata-bench.jar" io.strata.fs.cli.Main "$@"; else ./strata "$@"; fi; }
strata --version >/dev/null
work=$(mktemp -d /var/tmp/strata-startup.XXXXXX)
source_image=${IMAGE_LAYOUT:-build/demo/layout:latest}
layout=${source_image%:*}
[[ -n ${IMAGE_LAYOUT:-} || -f $layout/index.json ]] || scripts/build-demo-image.sh "$layout" >/dev/null
port=5000; while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
printf 'version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s/registry}}\nhttp: {addr: 127.0.0.1:%s}\n' \
  "$work" "$port" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry=$!
mnt=$work/mnt; mkdir -p "$mnt"
cleanup() {
  strata umount "$mnt" >/dev/null 2>&1 || true
  [[ -z ${SERVICE:-} ]] || strata service stop >/dev/null 2>&1 || true
  kill "$registry" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
strata copy "oci:$source_image" "127.0.0.1:$port/demo/app:latest" >/dev/null
strata convert --cache-dir "$work/convert-cache" "127.0.0.1:$port/demo/app:latest" "127.0.0.1:$port/demo/app:esgz" >/dev/null
strata record --cache-dir "$work/record-cache" -o "$work/profile" "127.0.0.1:$port/demo/app:latest" -- python3 -c 'print("hello")' >/dev/null
strata convert --cache-dir "$work/convert-cache" --prioritize "$work/profile" "127.0.0.1:$port/demo/app:latest" \
  "127.0.0.1:$port/demo/app:esgz-opt" >/dev/null
host=127.0.0.1:$port
if [[ -n ${SERVICE:-} ]]; then
  strata service start >/dev/null
  strata mount --cache-dir "$work/warmup-cache" "127.0.0.1:$port/demo/app:esgz" "$mnt" >/dev/null
  chroot "$mnt" python3 -c 'print("warm-up")' >/dev/null; strata umount "$mnt" >/dev/null; rm -rf "$work/warmup-cache"
  echo "strata service: $(strata service status | head -1)"
fi
if [[ -n ${NETEM:-} ]]; then
  read -r delay rate <<<"$NETEM"
  # Started directly (not through the strata function) so that $! is the JVM itself and the kill below reaches it;
  # --duration bounds it even if this script is killed.
  if [[ -n ${STRATA:-} ]]; then netem_cmd=(java -cp "$STRATA:bench/target/strata-bench.jar" io.strata.fs.cli.StrataCommand)
  else netem_cmd=(./strata); fi
  "${netem_cmd[@]}" bench netem --target "127.0.0.1:$port" --delay "$delay" --rate "$rate" --calibrate \
    --duration 60m >"$work/netem.out" 2>&1 &
  netem=$!
  for _ in $(seq 300); do [[ -s $work/netem.out ]] && grep -q calibrat "$work/netem.out" && break; sleep 0.1; done
  host=$(head -1 "$work/netem.out")
  echo "emulated link: $NETEM one-way delay and rate, via $host"; sed -n '2,$p' "$work/netem.out"; echo
  trap 'kill $netem 2>/dev/null || true; cleanup' EXIT
fi
image=$host/demo/app:latest
size=$(strata inspect --json "$image" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))' 2>/dev/null || echo 0)
cmd=(python3 -c 'print("hello")')
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fetched() { strata status --json "$mnt" | python3 -c 'import json,sys; print(sum(l["bytesFetched"] for l in json.load(sys.stdin)["layers"]))'; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }

echo "| mode | run | mount or pull+unpack (s) | python3 hello (s) | total (s) | bytes fetched | of image |"
echo "|---|---|---:|---:|---:|---:|---:|"
row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" \
  "$(awk -v a="$3" -v b="$4" 'BEGIN { printf "%.2f", a + b }')" "$5" \
  "$(awk -v f="$5" -v s="$size" 'BEGIN { if (s > 0) printf "%.1f %%", 100 * f / s; else print "-" }')"; }
strata_run() { # MODE RUN IMAGE CACHE [prepare...]
  local mode=$1 run=$2 img=$3 cache=$4; drop
  local t0; t0=$(now); strata mount --cache-dir "$cache" "$img" "$mnt" >/dev/null; local t1; t1=$(now)
  chroot "$mnt" "${cmd[@]}" >/dev/null; local t2; t2=$(now)
  row "$mode" "$run" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(fetched)"
  strata umount "$mnt" >/dev/null
}
for r in $(seq "$reps"); do
  rm -rf "$work/legacy"; mkdir -p "$work/legacy"; drop
  t0=$(now)
  skopeo copy -q --src-tls-verify=false "docker://$image" "oci:$work/legacy/layout:latest"
  umoci unpack --image "$work/legacy/layout:latest" "$work/legacy/bundle" >/dev/null 2>&1
  t1=$(now); chroot "$work/legacy/bundle/rootfs" "${cmd[@]}" >/dev/null; t2=$(now)
  row legacy "$r" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$size"
  rm -rf "$work/cache-$r"
  strata_run whole "$r" "$image" "$work/cache-$r"
  strata_run warm "$r" "$image" "$work/cache-$r"
  strata cache prune --max-size 0 --cache-dir "$work/cache-$r" >/dev/null
  strata_run indexed-gzip "$r" "$image" "$work/cache-$r"
  strata_run estargz "$r" "$host/demo/app:esgz" "$work/esgz-cache-$r"
  strata_run estargz-opt "$r" "$host/demo/app:esgz-opt" "$work/esgz-opt-cache-$r"
done
