#!/usr/bin/env bash
# Installs what Strata needs to build, run and test, with apt-get, and only what is missing.
# Runs as root (or through sudo). Idempotent: a second run installs nothing.
set -euo pipefail

# command-or-file  Debian-package
needs=(
  "java:openjdk-17-jdk-headless"
  "javac:openjdk-17-jdk-headless"
  "mvn:maven"
  "/usr/lib/x86_64-linux-gnu/libfuse.so.2:libfuse2"
  "fusermount:fuse3"
  "fuse-overlayfs:fuse-overlayfs"
  "docker-registry:docker-registry"
  "umoci:umoci"
  "skopeo:skopeo"
  "debootstrap:debootstrap"
  "getfattr:attr"
  "zstd:zstd"
  "tar:tar"
  "runuser:util-linux"
  "containerd:containerd"
  "ctr-remote:stargz-snapshotter"
  "unshare:util-linux"
  "fc-list:fontconfig"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
)

missing=()
for pair in "${needs[@]}"; do
  what=${pair%%:*}; pkg=${pair#*:}
  if [[ $what == /* ]]; then [[ -e $what ]] && continue
  else command -v "$what" >/dev/null 2>&1 && continue; fi
  [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "strata: missing Debian packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "strata: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The FUSE device must exist for mounts (containers sometimes lack it).
if [[ ! -e /dev/fuse ]]; then
  echo "strata: /dev/fuse is missing: load the module (modprobe fuse) or give the container the device" >&2
  exit 1
fi
