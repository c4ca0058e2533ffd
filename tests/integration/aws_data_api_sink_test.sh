#!/usr/bin/env bash
# Runs the DataApiSink integration test (argv[1]: the gtest binary) through the Data API
# emulator on a throwaway MariaDB or PostgreSQL; the emulator answers DatabaseResumingException
# twice first.
#   aws_data_api_sink_test.sh TEST_BINARY [mysql|postgres] [GTEST_ARG…]   (mysql by default)
set -euo pipefail
test_binary=$1
shift
engine=mysql
case ${1:-} in
  mysql | postgres) engine=$1; shift ;;
esac
export DATA_API_ENGINE=$engine
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
aws_start_data_api --resuming 2
export BILLFLOW_TEST_DATA_API_ENDPOINT=$DATA_URL BILLFLOW_TEST_DATA_API_ENGINE=$engine
"$test_binary" "$@"
