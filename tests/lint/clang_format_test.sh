#!/usr/bin/env bash
# Fails when any tracked C/C++ file differs from what clang-format makes of it (.clang-format at
# the repository root). Prints each such file and the first lines of its diff; the fix is
# `clang-format -i FILE` (clang-format 14, Debian 12's, as scripts/setup.sh installs it).
# usage: clang_format_test.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: clang_format_test.sh REPO_ROOT}
cd "$root"
# shellcheck source-path=SCRIPTDIR source=../support/assert.sh
source tests/support/assert.sh

format=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$format" ] || die "clang-format is not installed (bash scripts/setup.sh test installs it)"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.h' '*.cpp' '*.hpp' '*.c')
else  # an unpacked archive: every C/C++ file outside build trees
  mapfile -t files < <(find src tests bench tools -type f \( -name '*.cc' -o -name '*.h' -o -name '*.c' \) \
    -not -path '*/node_modules/*' 2>/dev/null | sort)
fi
[ "${#files[@]}" -gt 0 ] || die "no C/C++ files found under $root"

for f in "${files[@]}"; do
  [ -f "$f" ] || continue  # deleted in the work tree, not yet committed
  if ! "$format" --style=file "$f" | cmp -s - "$f"; then
    fail "$f is not clang-format clean (fix: clang-format -i $f)"
    "$format" --style=file "$f" | diff -u "$f" - | head -20 || true
  fi
done
[ "$ASSERT_FAILURES" -eq 0 ] && pass "${#files[@]} C/C++ files are clang-format clean ($("$format" --version))"
assert_done
