#!/usr/bin/env bash
# Runs every test: unit tests (surefire) and integration tests with a real registry and real FUSE
# mounts (failsafe). Installs what is missing first. Exit code 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec mvn -B -ntp verify "$@"
