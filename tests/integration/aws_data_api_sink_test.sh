#!/usr/bin/env bash
# Runs the DataApiSink integration test (argv[1]: the gtest binary) through the Data API
# emulator on a throwaway MariaDB; the emulator answers DatabaseResumingException twice first.
set -euo pipefail
test_binary=$1
shift
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
aws_start_mariadb
aws_start DATA /usr/bin/python3 "$AWS_LIB_REPO/tools/data_api_emulator.py" --mysql-port "$MARIADB_PORT" \
  --mysql-user billflow --mysql-password billflow-pw --resuming 2
export BILLFLOW_TEST_DATA_API_ENDPOINT="http://127.0.0.1:$DATA_PORT"
"$test_binary" "$@"
