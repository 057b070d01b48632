#!/usr/bin/env bash
# Builds the quick-start sample image as an OCI image layout, from files already on this Debian host
# (no network): a multi-layer image of realistic size with a whiteout and an opaque directory.
#
#   layer 1  base     libc, bash, dash, coreutils and /etc basics, merged-/usr symlinks
#   layer 2  python   python3.11 with its standard library (thousands of small files)
#   layer 3  jre      OpenJDK 17 runtime (large files)
#   layer 4  changes  a whiteout (.wh.) of /usr/share/doc/bash and an opaque (.wh..wh..opq)
#                     /usr/share/doc/python3.11 holding only a new README, plus /etc/motd
#
# Usage: scripts/build-demo-image.sh LAYOUT_DIR [TAG]     (prints nothing on success but the layout path)
set -euo pipefail
layout=${1:?usage: build-demo-image.sh LAYOUT_DIR [TAG]}
tag=${2:-latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Files and directories of the given Debian packages (those installed), with directory symlinks of merged /usr
# resolved, so that /bin/bash is archived as usr/bin/bash under the usr/bin directory, never through the symlink.
# Directories are archived as entries of their own (--no-recursion), with their real modes and times.
package_files() {
  local pkg
  for pkg in "$@"; do
    installed "$pkg" || continue
    dpkg -L "$pkg"
  done | while IFS= read -r f; do
    [[ -e $f || -L $f ]] || continue
    case $f in /. | /proc | /sys | /dev | /run) continue ;; esac   # the host's virtual filesystems: not image content
    d=$(readlink -f "$(dirname "$f")"); d=${d#/}
    printf '%s\n' "${d:+$d/}$(basename "$f")"
  done | sort -u
}

# Shared libraries the given executables load, as real paths.
library_files() {
  ldd "$@" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | while read -r lib; do
    printf '%s\n' "$(readlink -f "$lib" | sed 's|^/||')"
    [[ -L $lib ]] && printf '%s\n' "$(readlink -f "$(dirname "$lib")" | sed 's|^/||')/$(basename "$lib")"
  done | sort -u
}

make_layer() { # NAME LISTFILE: archive the listed host paths as an uncompressed tar
  tar -C / --no-recursion --numeric-owner --xattrs -cf "$work/$1.tar" -T "$2"
}

# Layer 1: a shell userland.
{
  package_files base-files libc6 libc-bin bash dash coreutils grep sed findutils libacl1 libattr1 \
    libselinux1 libpcre2-8-0 libgmp10 libcap2 libtinfo6 libssl3 libzstd1 liblzma5 zlib1g
  library_files /usr/bin/bash /usr/bin/ls /usr/bin/cat
  for link in bin lib lib64 sbin; do [[ -L /$link ]] && echo "$link"; done
  echo etc/os-release; readlink -f /etc/os-release | sed 's|^/||'
  printf '%s\n' etc/passwd etc/group etc/hostname
} | sort -u >"$work/base.list"
make_layer base "$work/base.list"

# Layer 2: python3 and its standard library.
{
  package_files python3 python3-minimal python3.11 python3.11-minimal libpython3.11-minimal \
    libpython3.11-stdlib libexpat1 libffi8 libbz2-1.0 libsqlite3-0 libncursesw6 libreadline8 libuuid1 \
    libmpdec3 libcrypt1 libnsl2 libtirpc3 libdb5.3 media-types
  library_files /usr/bin/python3.11 /usr/lib/python3.11/lib-dynload/*.so
} | sort -u | comm -23 - "$work/base.list" >"$work/python.list"
make_layer python "$work/python.list"

# Layer 3: a Java runtime (large files).
{
  package_files openjdk-17-jre-headless
  library_files /usr/lib/jvm/java-17-openjdk-amd64/bin/java
} | sort -u | comm -23 - <(sort -u "$work/base.list" "$work/python.list") >"$work/jre.list"
make_layer jre "$work/jre.list"

# Layer 4: changes on top, written as OCI whiteouts by hand.
stage="$work/changes"
mkdir -p "$stage/usr/share/doc/python3.11" "$stage/etc"
: >"$stage/usr/share/doc/.wh.bash"
: >"$stage/usr/share/doc/python3.11/.wh..wh..opq"
echo "Documentation removed from this image; see https://docs.python.org/3.11/" >"$stage/usr/share/doc/python3.11/README"
echo "Welcome to the Strata demo image." >"$stage/etc/motd"
tar -C "$stage" --numeric-owner --owner=0 --group=0 -cf "$work/changes.tar" usr/share/doc etc/motd

rm -rf "$layout"
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
for layer in base python jre changes; do
  umoci raw add-layer --image "$layout:$tag" --history.created_by "strata demo: $layer" "$work/$layer.tar"
done
umoci config --image "$layout:$tag" --config.cmd /bin/sh --config.env PATH=/usr/local/bin:/usr/bin:/bin \
  --config.workingdir / --author strata-demo
echo "$layout"
