#!/usr/bin/env bash
# Installs what the tests need, builds with warnings as errors, and runs every
# test (unit, golden, differential against ClamAV, end-to-end, fuzz corpora).
#   scripts/test.sh            all tests
#   scripts/test.sh -R REGEX   a subset (ctest arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=ON >/dev/null
ninja -C build
# Tests run with a private cache of compiled databases.
export VIGIL_CACHE_DIR="${VIGIL_CACHE_DIR:-$(mktemp -d /tmp/vigil-test-cache.XXXXXX)}"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
