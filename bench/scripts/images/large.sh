#!/usr/bin/env bash
# Cold-start benchmark image "large": a Debian 12 developer image, over 1 GB and 100 000 files unpacked, one layer
# per `apt-get install` as a Dockerfile would make them: minbase; C/C++ toolchain, cmake, git; python3 with numpy,
# scipy, pandas, matplotlib, sympy; Node.js with npm (hundreds of small packages); Go and a JDK; kernel headers
# and Boost headers. Usage: large.sh LAYOUT_DIR   (the image is LAYOUT_DIR:large; see debian.sh)
set -euo pipefail
source "$(dirname "$0")/debian.sh"
debian_begin "${1:?usage: large.sh LAYOUT_DIR}" large
debian_layer build-essential cmake git
debian_layer python3 python3-pip python3-numpy python3-scipy python3-pandas python3-matplotlib python3-sympy
debian_layer nodejs npm
debian_layer openjdk-17-jdk-headless golang-go
debian_layer linux-headers-amd64 libboost-dev
debian_end /usr/bin/python3
