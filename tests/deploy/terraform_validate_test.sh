#!/usr/bin/env bash
# The real `terraform init` + `terraform validate` on a copy of deploy/terraform, offline, against
# a schema-only stand-in for the hashicorp/aws provider (tests/deploy/tfprovider/): the provider's
# schema is rebuilt from the pinned @cdktf/provider-aws (tests/package.json) and served over the
# plugin protocol from a filesystem mirror. Then one unknown argument is added to the copy, and
# validate must refuse it: the check can fail. Skipped (exit 77) when terraform or node is not on
# PATH. Nothing is fetched from the network.
# Where a mirror of the real provider exists too, the stand-in's schema is compared with the real
# one for every type the directory uses.
# Usage: terraform_validate_test.sh TERRAFORM_DIR
# Environment: BILLFLOW_TF_PROVIDER_MIRROR=DIR  mirror of the real provider (default /opt/tf-plugins)
set -euo pipefail
src=$(cd "${1:?usage: terraform_validate_test.sh TERRAFORM_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
real_mirror=${BILLFLOW_TF_PROVIDER_MIRROR:-/opt/tf-plugins}

for tool in terraform node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not on PATH; terraform validate not run"
    exit 77
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(node "$here/tfprovider/build_mirror.mjs" "$tmp/mirror")
echo "ok - schema-only hashicorp/aws $version rebuilt from @cdktf/provider-aws into $tmp/mirror"

work=$tmp/terraform
mkdir -p "$work"
cp "$src"/*.tf "$work/"

# Install only from the mirror: no registry, no version check, no shared plugin cache. The
# stand-in speaks plain gRPC, so Terraform must not ask it for TLS.
cat >"$tmp/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
export TF_CLI_CONFIG_FILE=$tmp/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_DISABLE_PLUGIN_TLS=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR

cd "$work"
if ! out=$(terraform init -backend=false -input=false -no-color 2>&1); then
  echo "not ok - terraform init from the stand-in mirror failed (does versions.tf still admit $version?):"
  echo "$out"
  exit 1
fi
echo "ok - terraform init: $(grep -o 'hashicorp/aws v[0-9.]*' <<<"$out" | tail -n 1) from the stand-in mirror"

if ! out=$(terraform validate -no-color 2>&1); then
  echo "not ok - terraform validate:"
  echo "$out"
  exit 1
fi
echo "ok - terraform validate: $(head -n 1 <<<"$out")"

# The mutation: an argument aws_sqs_queue does not have.
sed -i 's/^\(resource "aws_sqs_queue" "ingest" {\)$/\1\n  no_such_argument = true/' sqs.tf
grep -q no_such_argument sqs.tf || {
  echo "not ok - could not add the unknown argument to sqs.tf (resource aws_sqs_queue.ingest moved?)"
  exit 1
}
if out=$(terraform validate -no-color 2>&1); then
  echo "not ok - terraform validate accepted an unknown argument of aws_sqs_queue:"
  echo "$out"
  exit 1
fi
if ! grep -q 'An argument named "no_such_argument" is not expected here' <<<"$out"; then
  echo "not ok - terraform validate failed on the unknown argument, but not with \"Unsupported argument\":"
  echo "$out"
  exit 1
fi
echo "ok - terraform validate refuses an argument aws_sqs_queue does not have"

# The stand-in against the real provider, where this machine has it.
if [ ! -d "$real_mirror/registry.terraform.io/hashicorp/aws/$version" ]; then
  echo "ok - no mirror of the real hashicorp/aws $version at $real_mirror: schema comparison not run"
  exit 0
fi
mkdir -p "$tmp/real"
cat >"$tmp/real/versions.tf" <<TF
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "$version" }
  }
}
TF
cat >"$tmp/real.terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path = "$real_mirror"
  }
}
RC
unset TF_DISABLE_PLUGIN_TLS
export TF_CLI_CONFIG_FILE=$tmp/real.terraformrc
(cd "$tmp/real" && terraform init -backend=false -input=false -no-color >/dev/null &&
  terraform providers schema -json >"$tmp/real-schema.json")
if ! out=$(node "$here/tfprovider/compare_schema.mjs" "$tmp/mirror/aws-schema.json" "$tmp/real-schema.json" "$src"); then
  echo "not ok - the stand-in's schema differs from the real hashicorp/aws $version:"
  echo "$out"
  exit 1
fi
echo "ok - stand-in schema equals the real hashicorp/aws $version: $(tail -n 1 <<<"$out")"

# The comparison can fail: one attribute of aws_sqs_queue dropped from the stand-in's schema.
node -e 'const fs = require("fs"); const s = JSON.parse(fs.readFileSync(process.argv[1]));
  delete s.resources.aws_sqs_queue.block.attributes.visibility_timeout_seconds;
  fs.writeFileSync(process.argv[1], JSON.stringify(s));' "$tmp/mirror/aws-schema.json"
if out=$(node "$here/tfprovider/compare_schema.mjs" "$tmp/mirror/aws-schema.json" "$tmp/real-schema.json" "$src") ||
  ! grep -q 'resource.aws_sqs_queue.visibility_timeout_seconds: missing from the stand-in' <<<"$out"; then
  echo "not ok - the comparison did not report an attribute dropped from the stand-in:"
  echo "$out"
  exit 1
fi
echo "ok - the comparison reports an attribute missing from the stand-in"
