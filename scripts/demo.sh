#!/usr/bin/env bash
# The main job on the embedded default: install what building needs, build the `billflow` binary,
# load examples/ into sqlite:billflow.db, print the load summary and the USD report. Running it
# again installs nothing and loads nothing new (idempotent). scripts/test.sh installs the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
bin=${BILLFLOW_BUILD_DIR:-build}/billflow
status=0
"$bin" ingest --db sqlite:billflow.db examples/ || status=$?
"$bin" report --db sqlite:billflow.db --by currency
"$bin" report --db sqlite:billflow.db --by month
exit "$status"
