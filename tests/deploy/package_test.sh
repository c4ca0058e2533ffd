#!/usr/bin/env bash
# Packages BINARY with deploy/package-lambda.sh (BILLFLOW_BIN set, so nothing is built), unpacks the
# zip and checks that it is self-contained: every library ldd names and the loader are in lib/, the
# bundled loader resolves nothing outside lib/, `BINARY --version` runs through it with an empty
# environment, the bootstrap finds its own directory and passes `lambda`, and a second packaging
# gives the same bytes.
# Usage: package_test.sh [BINARY]     (default: ls, which exercises the script without billflow)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${1:-$(command -v ls)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source "$root/tests/support/assert.sh"

BILLFLOW_BIN=$binary BILLFLOW_DIST=$tmp/dist bash "$root/deploy/package-lambda.sh"
zip=$tmp/dist/billflow-lambda.zip
[ -f "$zip" ] || die "package-lambda.sh wrote no $zip"
pkg=$tmp/pkg
unzip -q "$zip" -d "$pkg"

for f in bootstrap bin/billflow; do
  if [ -x "$pkg/$f" ]; then pass "$f is in the zip and executable"; else fail "$f missing or not executable"; fi
done
if head -n 1 "$pkg/bootstrap" | grep -qx '#!/bin/sh'; then pass "bootstrap is a #!/bin/sh script"; else fail "bootstrap does not start with #!/bin/sh"; fi

# Every library ldd lists (name => path), stored under that name, and the loader.
loader=
while read -r first second third _; do
  if [ "$second" = "=>" ] && [ "${third:0:1}" = "/" ]; then
    if [ -f "$pkg/lib/$first" ]; then pass "lib/$first bundled"; else fail "lib/$first missing (ldd: $third)"; fi
  elif [ "${first:0:1}" = "/" ]; then
    loader=$(basename "$first")
    if [ -x "$pkg/lib/$loader" ]; then pass "loader lib/$loader bundled"; else fail "loader lib/$loader missing"; fi
  fi
done < <(ldd "$binary")
[ -n "$loader" ] || fail "ldd named no loader for $binary"

if grep -q "lib/$loader\" --library-path \"\$root/lib\" \"\$root/bin/billflow\" lambda\$" "$pkg/bootstrap"; then
  pass "bootstrap execs bin/billflow lambda through lib/$loader"
else
  fail "bootstrap does not exec bin/billflow lambda through lib/$loader:"
  cat "$pkg/bootstrap"
fi

# The bundled loader's own view: what it would map when run on a machine with other libraries.
if resolved=$(env -i "$pkg/lib/$loader" --library-path "$pkg/lib" --list "$pkg/bin/billflow"); then
  outside=$(grep '=>' <<<"$resolved" | grep -v "=> $pkg/lib/" || true)
  if [ -z "$outside" ]; then
    pass "bundled loader resolves every library inside lib/"
  else
    fail "bundled loader resolves libraries outside lib/:"
    echo "$outside"
  fi
else
  fail "bundled loader cannot list bin/billflow's libraries"
fi

if out=$(cd / && env -i "$pkg/lib/$loader" --library-path "$pkg/lib" "$pkg/bin/billflow" --version 2>&1); then
  pass "bin/billflow --version runs through the bundled loader with env -i: $(head -n 1 <<<"$out")"
else
  fail "bin/billflow --version through the bundled loader failed: $out"
fi

# The bootstrap, with an ELF stand-in for billflow that prints its arguments: it must find its
# own directory without LAMBDA_TASK_ROOT (from any working directory) and honour it when set.
cp "$(type -P echo)" "$pkg/bin/billflow"
if out=$(cd / && env -i "$pkg/bootstrap") && [ "$out" = "lambda" ]; then
  pass "bootstrap without LAMBDA_TASK_ROOT runs its own bin/billflow with 'lambda'"
else
  fail "bootstrap without LAMBDA_TASK_ROOT printed '${out:-}'"
fi
cp -R "$pkg" "$tmp/task"
cp "$(type -P false)" "$pkg/bin/billflow" # so only the LAMBDA_TASK_ROOT copy can print 'lambda'
if out=$(cd / && env -i LAMBDA_TASK_ROOT="$tmp/task" /bin/sh "$pkg/bootstrap") && [ "$out" = "lambda" ]; then
  pass "bootstrap honours LAMBDA_TASK_ROOT"
else
  fail "bootstrap with LAMBDA_TASK_ROOT printed '${out:-}'"
fi

first_sum=$(sha256sum <"$zip")
BILLFLOW_BIN=$binary BILLFLOW_DIST=$tmp/dist bash "$root/deploy/package-lambda.sh" >/dev/null 2>&1
if [ "$(sha256sum <"$zip")" = "$first_sum" ]; then
  pass "packaging twice gives the same zip (stable source_code_hash)"
else
  fail "packaging twice gives different zips"
fi

assert_done
