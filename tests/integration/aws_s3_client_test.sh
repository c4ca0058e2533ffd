#!/usr/bin/env bash
# Runs the S3Client integration test (argv[1]: the gtest binary) against s3rver behind the
# SigV4-verifying front, with fixtures uploaded by the real AWS CLI.
set -euo pipefail
test_binary=$1
shift
source "$(dirname "$0")/aws_lib.sh"
aws_lib_init
aws_start_s3 bills
endpoint=$S3_URL
printf 'id,amount\n1,2.50\nx\n' >"$AWS_TMP/small.csv"
for key in "in/plain.csv" "in/with space.csv" "in/plus+sign.csv" "in/caf$(printf '\xc3\xa9').csv" \
           "in/odd ~!\$&'()*,;=@ name.csv" \
           "page/0 a+b.csv" "page/1 a+b.csv" "page/2 a+b.csv" "page/3 a+b.csv" "page/4 a+b.csv" \
           "page/5 a+b.csv" "page/6 a+b.csv"; do
  /usr/bin/aws --endpoint-url "$endpoint" s3 cp --quiet "$AWS_TMP/small.csv" "s3://bills/$key"
done
head -c $((3 * 1024 * 1024)) /dev/urandom >"$AWS_TMP/large.bin"
/usr/bin/aws --endpoint-url "$endpoint" s3 cp --quiet "$AWS_TMP/large.bin" s3://bills/big/large.bin
BILLFLOW_TEST_LARGE_SHA256=$(sha256sum "$AWS_TMP/large.bin" | cut -d' ' -f1)
export BILLFLOW_TEST_LARGE_SHA256
export BILLFLOW_TEST_S3_ENDPOINT=$endpoint
"$test_binary" "$@"
