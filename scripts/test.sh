#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every test (unit, integration
# against real servers the tests start themselves, end to end). Usage: bash scripts/test.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
ctest --test-dir "${BILLFLOW_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
