#!/usr/bin/env bash
# Runs the DataApiSink integration test (argv[1]: the gtest binary) through the Data API
# emulator on a throwaway MariaDB; the emulator answers DatabaseResumingException twice first.
set -euo pipefail
test_binary=$1
shift
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
aws_start_data_api --resuming 2
export BILLFLOW_TEST_DATA_API_ENDPOINT=$DATA_URL
"$test_binary" "$@"
