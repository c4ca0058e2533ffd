#!/usr/bin/env bash
# `terraform validate` and `terraform test` (tftest/billflow.tftest.hcl, with a mocked AWS provider)
# on a temporary copy of deploy/terraform. Both need the AWS provider's schema, which cannot be
# downloaded here: the test uses a local mirror of the real provider when there is one, and
# otherwise the schema-only stand-in of tests/deploy/tfprovider/ (mock_provider asks the provider
# for its schema only). Skipped (exit 77) when terraform or, for the stand-in, node is not on
# PATH. Nothing is fetched from the network.
# Usage: terraform_test.sh TERRAFORM_DIR
# Environment: BILLFLOW_TF_PROVIDER_MIRROR=DIR  filesystem mirror holding the real provider in
#              registry.terraform.io/hashicorp/aws/<version>/<os_arch>/ (default /opt/tf-plugins)
set -euo pipefail
src=$(cd "${1:?usage: terraform_test.sh TERRAFORM_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mirror=${BILLFLOW_TF_PROVIDER_MIRROR:-/opt/tf-plugins}

if ! command -v terraform >/dev/null 2>&1; then
  echo "SKIP: terraform is not on PATH"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
  if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: no AWS provider mirror at $mirror (set BILLFLOW_TF_PROVIDER_MIRROR) and no node for the stand-in"
    exit 77
  fi
  echo "no AWS provider mirror at $mirror: using the schema-only stand-in"
  mirror=$tmp/mirror
  node "$here/tfprovider/build_mirror.mjs" "$mirror" >/dev/null
  export TF_DISABLE_PLUGIN_TLS=1 # the stand-in speaks plain gRPC
fi
work=$tmp/terraform
mkdir -p "$work/tests"
cp "$src"/*.tf "$work/"
cp "$here"/tftest/*.tftest.hcl "$work/tests/"
head -c 64 /dev/zero >"$work/tests/billflow-lambda.zip" # only hashed, never unpacked

# Install only from the mirror: no registry, no version check, no shared plugin cache.
cat >"$tmp/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
RC
export TF_CLI_CONFIG_FILE=$tmp/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR

cd "$work"
if ! init_out=$(terraform init -backend=false -input=false -no-color 2>&1); then
  echo "not ok - terraform init from the mirror $mirror failed (the pinned provider version may be missing):"
  echo "$init_out"
  exit 1
fi
echo "ok - terraform init: $(grep -o 'hashicorp/aws v[0-9.]*' <<<"$init_out" | tail -n 1) from $mirror"
terraform validate -no-color
terraform test -no-color
