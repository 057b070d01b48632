#!/usr/bin/env bash
# Cold-start benchmark image "quick", for the harness's own test: made in seconds from this host's files, no
# network. Layer 1: /bin/sh, find, wc and their libraries; layer 2: the host's python3 with its standard library
# (about 20 MB compressed). Usage: quick.sh LAYOUT_DIR   (the image is LAYOUT_DIR:quick)
set -euo pipefail
layout=${1:?usage: quick.sh LAYOUT_DIR}
python=$(readlink -f /usr/bin/python3)
stdlib=/usr/lib/$(basename "$python")
[[ -x $python && -d $stdlib ]] || { echo "quick.sh needs the host's python3 (/usr/bin/python3 and $stdlib)" >&2; exit 1; }
work=$(mktemp -d /var/tmp/strata-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Copies each file (followed through symlinks) and the shared libraries it needs into the tree $1.
with_libraries() {
  local root=$1 f to; shift
  for f in "$@" $(ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(/ {print $1}' | sort -u); do
    to=$f
    case $f in /lib/*|/lib64/*|/bin/*|/sbin/*) to=/usr$f ;; esac # merged /usr: /lib is a link to usr/lib
    mkdir -p "$root$(dirname "$to")"
    cp -L "$f" "$root$to"
  done
}
layer() { # TAR ROOT: the tree as a tar with root-owned entries, sorted, as a layer would be
  tar --numeric-owner --owner=0 --group=0 --sort=name -C "$2" -cf "$1" .
}

base=$work/base; mkdir -p "$base"/{usr/bin,usr/lib,usr/lib64,etc,tmp,proc,dev}
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$base/$d"; done
mkdir -p "$base/usr/sbin"
with_libraries "$base" /usr/bin/dash /usr/bin/find /usr/bin/wc /usr/bin/cat /usr/bin/ls
ln -s dash "$base/usr/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$base/etc/passwd"
chmod 1777 "$base/tmp"
layer "$work/base.tar" "$base"

py=$work/python; mkdir -p "$py/usr/bin"
for d in bin lib lib64; do mkdir -p "$py/usr/$d"; done
with_libraries "$py" "$python" "$stdlib"/lib-dynload/*.so
tar -C / --exclude="${stdlib#/}/test" --exclude="${stdlib#/}/lib-dynload" -cf - "${stdlib#/}" | tar -C "$py" -xf -
ln -s "$(basename "$python")" "$py/usr/bin/python3"
[[ -d /etc/$(basename "$python") ]] && cp -a "/etc/$(basename "$python")" "$py/etc/" 2>/dev/null || true
# the libraries already in layer 1 stay there, as apt would leave them
(cd "$base" && find usr -type f) | while read -r f; do if [[ -f $py/$f ]]; then rm "$py/$f"; fi; done
layer "$work/python.tar" "$py"

rm -rf "$layout"
umoci init --layout "$layout"
umoci new --image "$layout:quick"
umoci raw add-layer --image "$layout:quick" "$work/base.tar"
umoci raw add-layer --image "$layout:quick" "$work/python.tar"
umoci config --image "$layout:quick" --config.cmd /usr/bin/python3 >/dev/null
umoci gc --layout "$layout"
echo "$layout:quick"
