#!/usr/bin/env bash
# Runs every test: unit tests (surefire) and integration tests with a real registry and real FUSE
# mounts (failsafe). Installs what is missing first. Exit code 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8   # file names in test images are UTF-8
scripts/install-deps.sh
exec mvn -B -ntp verify "$@"
