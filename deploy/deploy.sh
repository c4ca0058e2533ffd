#!/usr/bin/env bash
# Deploys billflow to AWS: packages the Lambda, applies deploy/terraform, creates the schema through
# the RDS Data API, then prints the bucket to upload billing files to.
#
# Usage: deploy/deploy.sh [options]
#   --var-file FILE   passed to terraform plan (repeatable); must set vpc_id and subnet_ids
#   --plan-only       package, init and plan; change nothing in AWS
#   --auto-approve    apply the plan without asking (required when stdin is not a terminal)
#   --skip-package    reuse the existing zip instead of rebuilding it
#   -h, --help        this text
# Environment:
#   BILLFLOW_BIN=PATH   billflow binary to package and to run `migrate` with
#                       (default: build-release/billflow, built by package-lambda.sh)
#   BILLFLOW_DIST=DIR   where the zip is written (default: <repo>/dist)
#   TF_VAR_*            any Terraform variable, e.g. TF_VAR_aws_region=eu-west-1
# Needs: terraform, the AWS CLI with credentials, zip (and cmake, ninja, g++ to build).
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

die() {
  echo "deploy.sh: $2" >&2
  exit "$1"
}

plan_only=false
auto_approve=false
skip_package=false
var_files=()
while (($#)); do
  case "$1" in
    --plan-only) plan_only=true ;;
    --auto-approve) auto_approve=true ;;
    --skip-package) skip_package=true ;;
    --var-file)
      (($# >= 2)) || die 2 "--var-file needs a file name"
      [ -f "$2" ] || die 2 "var file '$2' does not exist"
      # terraform runs in deploy/terraform (-chdir), so relative paths are made absolute here.
      var_files+=("-var-file=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
      shift
      ;;
    --var-file=*)
      file=${1#--var-file=}
      [ -f "$file" ] || die 2 "var file '$file' does not exist"
      var_files+=("-var-file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")")
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die 2 "unknown option '$1' (see --help)" ;;
  esac
  shift
done

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tf_dir=$repo_root/deploy/terraform
dist_dir=${BILLFLOW_DIST:-$repo_root/dist}
zip_path=$dist_dir/billflow-lambda.zip
billflow_bin=${BILLFLOW_BIN:-$repo_root/build-release/billflow}

# --- prerequisites ------------------------------------------------------------------------------
missing=()
command -v terraform >/dev/null 2>&1 || missing+=("terraform (https://developer.hashicorp.com/terraform/install)")
command -v aws >/dev/null 2>&1 || missing+=("aws (the AWS CLI v2; Debian: apt-get install awscli)")
command -v zip >/dev/null 2>&1 || missing+=("zip (Debian: apt-get install zip)")
if ((${#missing[@]})); then
  echo "deploy.sh: missing prerequisites:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi
if ! identity=$(aws sts get-caller-identity --query Arn --output text 2>&1); then
  echo "deploy.sh: AWS credentials are not usable ('aws sts get-caller-identity' failed):" >&2
  printf '  %s\n' "$identity" >&2
  echo "  Configure them with 'aws configure', 'aws sso login' or AWS_PROFILE / AWS_ACCESS_KEY_ID." >&2
  exit 2
fi
echo "deploy.sh: deploying as $identity"

# --- package ------------------------------------------------------------------------------------
if $skip_package; then
  [ -f "$zip_path" ] || die 2 "--skip-package given but $zip_path does not exist"
else
  BILLFLOW_DIST=$dist_dir bash "$repo_root/deploy/package-lambda.sh"
fi
# Checked before anything is applied: the schema step after apply needs it.
$plan_only || [ -x "$billflow_bin" ] || die 2 "$billflow_bin not found (build it, or set BILLFLOW_BIN)"

# The package holds the build machine's binary and loader, so the function's architecture
# follows that machine unless the caller chose one.
if [ -z "${TF_VAR_lambda_architecture:-}" ]; then
  case "$(uname -m)" in
    x86_64) export TF_VAR_lambda_architecture=x86_64 ;;
    aarch64 | arm64) export TF_VAR_lambda_architecture=arm64 ;;
    *) die 2 "cannot map machine type $(uname -m) to a Lambda architecture; set TF_VAR_lambda_architecture" ;;
  esac
fi
export TF_VAR_lambda_zip_path=$zip_path

# --- terraform ----------------------------------------------------------------------------------
tf() { terraform -chdir="$tf_dir" "$@"; }
plan_file=billflow.tfplan # relative to $tf_dir; ignored by deploy/terraform/.gitignore

tf init -input=false
tf plan -input=false -out="$plan_file" "${var_files[@]}"
if $plan_only; then
  rm -f "$tf_dir/$plan_file"
  echo "deploy.sh: --plan-only: nothing was changed."
  exit 0
fi

if ! $auto_approve; then
  [ -t 0 ] || die 2 "stdin is not a terminal: pass --auto-approve to apply without a prompt"
  read -r -p "Apply this plan? [y/N] " answer
  case "$answer" in
    y | Y | yes | YES) ;;
    *)
      rm -f "$tf_dir/$plan_file"
      die 1 "not applied."
      ;;
  esac
fi
tf apply -input=false "$plan_file"
rm -f "$tf_dir/$plan_file"

# --- schema -------------------------------------------------------------------------------------
db_url=$(tf output -raw billflow_db_url)
bucket=$(tf output -raw bucket_name)
log_group=$(tf output -raw log_group_name)
# The cluster ARN (arn:aws:rds:REGION:…) names the region billflow must call.
region=$(sed -E 's|^data-api://arn:[^:]+:rds:([^:]+):.*|\1|' <<<"$db_url")
export AWS_REGION=${AWS_REGION:-$region}

attempts=${BILLFLOW_MIGRATE_ATTEMPTS:-5}
retry_seconds=${BILLFLOW_MIGRATE_RETRY_SECONDS:-20}
for ((attempt = 1; ; attempt++)); do
  # A new or paused Serverless v2 cluster answers DatabaseResumingException for a few seconds.
  if "$billflow_bin" migrate --db "$db_url"; then
    break
  fi
  ((attempt < attempts)) || die 1 "billflow migrate failed $attempts times; the stack is deployed, rerun: $billflow_bin migrate --db '$db_url'"
  echo "deploy.sh: migrate failed (attempt $attempt of $attempts); retrying in ${retry_seconds}s" >&2
  sleep "$retry_seconds"
done

cat <<EOF

billflow is deployed.
  bucket:  $bucket
  logs:    $log_group

Upload a billing file to load it:
  aws s3 cp billing_data_bakery_june_2025.csv s3://$bucket/

Follow the function's logs:
  aws logs tail $log_group --follow
EOF
