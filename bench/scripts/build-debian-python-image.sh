#!/usr/bin/env bash
# Builds the cold-start benchmark image "Debian 12 + python3" as an OCI layout, the way users build images:
# a debootstrap --variant=minbase rootfs (layer 1, packed by umoci) and `apt-get install python3` in a chroot of
# it (layer 2, umoci repack). Needs root and the Debian mirror this host's apt uses; the rootfs tar is cached
# in $STRATA_TEST_CACHE (default /var/cache/strata-test), shared with the integration tests.
# Usage: bench/scripts/build-debian-python-image.sh LAYOUT_DIR     (the image is LAYOUT_DIR:python)
set -euo pipefail
layout=${1:?usage: build-debian-python-image.sh LAYOUT_DIR}
cache=${STRATA_TEST_CACHE:-/var/cache/strata-test}
base=$cache/debootstrap-bookworm-minbase.tar
mkdir -p "$cache"
if [[ ! -f $base ]]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -v '^#' \
    | grep -oE '(URIs:|deb) +[a-z]+://[^ ]+' | awk '{print $2}' | grep -v security | grep -E '/debian/?$' | head -1)
  [[ -n $mirror ]] || { echo "no Debian mirror in this host's apt sources" >&2; exit 1; }
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$rootfs" --sort=name -cf "$base.part" .
  mv "$base.part" "$base"
  rm -rf "$rootfs"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$layout"
umoci init --layout "$layout"
umoci new --image "$layout:base"
umoci raw add-layer --image "$layout:base" "$base"
umoci unpack --image "$layout:base" "$work/bundle" >/dev/null
cp /etc/resolv.conf "$work/bundle/rootfs/etc/resolv.conf"
chroot "$work/bundle/rootfs" /bin/sh -c 'apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends python3 >/dev/null 2>&1 && apt-get clean && rm -rf /var/lib/apt/lists/*'
: >"$work/bundle/rootfs/etc/resolv.conf"
umoci repack --image "$layout:python" "$work/bundle" >/dev/null
umoci config --image "$layout:python" --config.cmd /usr/bin/python3 >/dev/null
echo "$layout:python"
