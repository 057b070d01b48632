#!/usr/bin/env bash
# Cold-start benchmark image "python": Debian 12 minbase (layer 1) + `apt-get install python3` (layer 2), about
# 113 MB compressed. Usage: python.sh LAYOUT_DIR   (the image is LAYOUT_DIR:python; see debian.sh)
set -euo pipefail
source "$(dirname "$0")/debian.sh"
debian_begin "${1:?usage: python.sh LAYOUT_DIR}" python
debian_layer python3
debian_end /usr/bin/python3
