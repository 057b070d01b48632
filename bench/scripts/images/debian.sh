# Shared by the Debian benchmark image recipes (sourced, not run): the way users build images, a debootstrap
# --variant=minbase rootfs as the first layer, then one layer per `apt-get install` in a chroot of it (umoci
# repack of the changes). Needs root and the Debian mirror this host's apt uses. The debootstrapped rootfs tar is
# cached in $STRATA_TEST_CACHE (default /var/cache/strata-test), shared with the integration tests.
#
#   debian_begin LAYOUT TAG      layout with the minbase layer, unpacked in $bundle for the next steps
#   debian_layer PACKAGE...      apt-get install --no-install-recommends in the chroot, packed as one new layer
#   debian_add_layer             packs whatever the recipe changed in $bundle/rootfs as one new layer
#   debian_end CMD...            sets the image's default command, prints LAYOUT:TAG
set -euo pipefail

debian_base_tar() {
  local cache=${STRATA_TEST_CACHE:-/var/cache/strata-test}
  local base=$cache/debootstrap-bookworm-minbase.tar
  mkdir -p "$cache"
  if [[ ! -f $base ]]; then
    local mirror rootfs
    mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -v '^#' \
      | grep -oE '(URIs:|deb) +[a-z]+://[^ ]+' | awk '{print $2}' | grep -v security | grep -E '/debian/?$' | head -1)
    [[ -n $mirror ]] || { echo "no Debian mirror in this host's apt sources" >&2; exit 1; }
    rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
    tar --numeric-owner --xattrs --xattrs-include='*' -C "$rootfs" --sort=name -cf "$base.part" .
    mv "$base.part" "$base"
    rm -rf "$rootfs"
  fi
  echo "$base"
}

debian_begin() {
  layout=$1 tag=$2
  local base; base=$(debian_base_tar)
  work=$(mktemp -d /var/tmp/strata-image.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  bundle=$work/bundle
  rm -rf "$layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci raw add-layer --image "$layout:$tag" "$base"
  umoci unpack --image "$layout:$tag" "$bundle" >/dev/null
}

debian_layer() {
  cp /etc/resolv.conf "$bundle/rootfs/etc/resolv.conf"
  # Its own mount and pid namespace with a /proc (java's postinst needs one), gone when apt-get exits.
  if ! unshare --mount --fork --pid --mount-proc="$bundle/rootfs/proc" chroot "$bundle/rootfs" /bin/sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends $*" >"$work/apt.log" 2>&1; then
    echo "apt-get install $* failed in the image's chroot; its last lines:" >&2
    tail -20 "$work/apt.log" >&2
    exit 1
  fi
  chroot "$bundle/rootfs" /bin/sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/*'
  : >"$bundle/rootfs/etc/resolv.conf"
  debian_add_layer
}

debian_add_layer() {
  umoci repack --refresh-bundle --image "$layout:$tag" "$bundle" >/dev/null
}

debian_end() {
  local args=() a
  for a in "$@"; do args+=(--config.cmd "$a"); done
  umoci config --image "$layout:$tag" "${args[@]}" >/dev/null
  umoci gc --layout "$layout"
  echo "$layout:$tag"
}
