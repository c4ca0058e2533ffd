#!/usr/bin/env bash
# deploy/deploy.sh against stand-ins for terraform, aws and billflow that record their calls: the
# prerequisite messages, --plan-only, --var-file pass-through, apply, the migrate retry and the
# closing upload command. No AWS, no network, no real Terraform.
# Usage: deploy_script_test.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
deploy=$root/deploy/deploy.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source "$root/tests/support/assert.sh"

log=$tmp/calls.log
stubs=$tmp/stubs
mkdir -p "$stubs" "$tmp/dist"
: >"$tmp/dist/billflow-lambda.zip"

cat >"$stubs/terraform" <<'EOF'
#!/bin/sh
echo "terraform $* [zip=$TF_VAR_lambda_zip_path arch=$TF_VAR_lambda_architecture]" >>"$STUB_LOG"
case "$*" in
  *"output -raw billflow_db_url") printf '%s' 'data-api://arn:aws:rds:eu-west-1:111122223333:cluster:billflow?secret=arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-1&database=billing' ;;
  *"output -raw bucket_name") printf '%s' 'billflow-billing-20250101' ;;
  *"output -raw log_group_name") printf '%s' '/aws/lambda/billflow' ;;
esac
EOF
cat >"$stubs/aws" <<'EOF'
#!/bin/sh
echo "aws $*" >>"$STUB_LOG"
if [ -n "${STUB_AWS_NO_CREDENTIALS:-}" ]; then
  echo "Unable to locate credentials. You can configure credentials by running \"aws configure\"." >&2
  exit 253
fi
echo "arn:aws:iam::111122223333:user/deployer"
EOF
cat >"$stubs/billflow" <<'EOF'
#!/bin/sh
echo "billflow $* [region=$AWS_REGION]" >>"$STUB_LOG"
count=$(grep -c '^billflow migrate' "$STUB_LOG")
[ "$count" -gt "${STUB_MIGRATE_FAILS:-0}" ] || { echo "DatabaseResumingException" >&2; exit 1; }
EOF
printf '#!/bin/sh\nexit 0\n' >"$stubs/zip"
chmod +x "$stubs"/*

# A PATH with only what deploy.sh needs besides the three prerequisites.
minbin=$tmp/minbin
mkdir -p "$minbin"
for tool in dirname sed; do ln -s "$(command -v "$tool")" "$minbin/$tool"; done

run() { # run ENV... -- ARGS...: deploy.sh with stubs first on PATH; output in $out, status in $status
  local envs=()
  while [ "$1" != "--" ]; do
    envs+=("$1")
    shift
  done
  shift
  : >"$log"
  status=0
  out=$(cd "$tmp" && env -u AWS_REGION STUB_LOG="$log" BILLFLOW_DIST="$tmp/dist" BILLFLOW_BIN="$stubs/billflow" \
    BILLFLOW_MIGRATE_RETRY_SECONDS=0 PATH="$stubs:$PATH" "${envs[@]}" "$BASH" "$deploy" "$@" </dev/null 2>&1) || status=$?
}

run -- --help
check "--help exits 0 and documents --plan-only" test "$status" = 0 -a -n "$(grep -- '--plan-only' <<<"$out")"

run -- --frobnicate
check "an unknown option exits 2" test "$status" = 2

run PATH="$minbin" -- --plan-only
check "no terraform, aws or zip: exit 2" test "$status" = 2
for tool in terraform aws zip; do
  check "the missing-prerequisite message names $tool" grep -q -- "- $tool" <<<"$out"
done

ln -s "$stubs/aws" "$minbin/aws"
ln -s "$stubs/zip" "$minbin/zip"
run PATH="$minbin" -- --plan-only
check "only terraform missing: exit 2 naming terraform alone" \
  test "$status" = 2 -a -n "$(grep -- '- terraform' <<<"$out")" -a -z "$(grep -- '- aws' <<<"$out")"

run STUB_AWS_NO_CREDENTIALS=1 -- --plan-only --skip-package
check "no AWS credentials: exit 2 naming sts get-caller-identity" \
  test "$status" = 2 -a -n "$(grep 'get-caller-identity' <<<"$out")"
check "no AWS credentials: terraform is never run" test -z "$(grep '^terraform' "$log")"

echo 'vpc_id = "vpc-0abc"' >"$tmp/prod.tfvars"
run -- --plan-only --skip-package --var-file prod.tfvars
check "--plan-only exits 0" test "$status" = 0
check "--plan-only runs terraform init in deploy/terraform" \
  grep -q "^terraform -chdir=$root/deploy/terraform init -input=false" "$log"
check "--plan-only passes the var file, made absolute, to plan" \
  grep -q -- "plan -input=false -out=billflow.tfplan -var-file=$tmp/prod.tfvars" "$log"
check "--plan-only hands terraform the zip path and the build machine's architecture" \
  grep -q "zip=$tmp/dist/billflow-lambda.zip arch=[a-z0-9_]" "$log"
check "--plan-only never applies nor migrates" test -z "$(grep -e ' apply' -e '^billflow' "$log")"

run -- --skip-package
check "apply without --auto-approve and without a terminal: exit 2, nothing applied" \
  test "$status" = 2 -a -z "$(grep ' apply' "$log")"

run STUB_MIGRATE_FAILS=1 -- --skip-package --auto-approve --var-file="$tmp/prod.tfvars"
check "a full deploy exits 0" test "$status" = 0
check "apply runs the saved plan" grep -q "apply -input=false billflow.tfplan" "$log"
check "migrate runs with the Data API URL from terraform output, in the cluster's region" \
  grep -q "^billflow migrate --db data-api://arn:aws:rds:eu-west-1:.*database=billing \[region=eu-west-1\]" "$log"
check "a failed migrate (DatabaseResumingException) is retried" test "$(grep -c '^billflow migrate' "$log")" = 2
check "the bucket name is printed" grep -q "bucket: *billflow-billing-20250101" <<<"$out"
check "a copy-paste upload command is printed" grep -q "aws s3 cp .*\.csv s3://billflow-billing-20250101/" <<<"$out"

run STUB_MIGRATE_FAILS=9 BILLFLOW_MIGRATE_ATTEMPTS=2 -- --skip-package --auto-approve
check "migrate failing every attempt: exit 1 with the command to rerun" \
  test "$status" = 1 -a -n "$(grep 'rerun: .*migrate --db' <<<"$out")"

if [ "$ASSERT_FAILURES" -ne 0 ]; then
  echo "--- last deploy.sh output ---"
  echo "$out"
fi
assert_done
