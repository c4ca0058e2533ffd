#!/usr/bin/env bash
# scripts/demo.sh compiles `billflow` as a unity build (scripts/setup.sh build level), where each
# library's sources share a translation unit: two helpers of the same name in two files'
# anonymous namespaces break it, though every file compiles alone. This builds that tree
# (Quick, unity) in BUILD_DIR/unity-check, so the suite fails before a fresh machine's demo does.
#   bash tests/lint/unity_build_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
tree=$2/unity-check
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$source_dir" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=Quick -DCMAKE_UNITY_BUILD=ON \
  "${launcher[@]}" >/dev/null
if ! cmake --build "$tree" --target billflow >"$tree/build.log" 2>&1; then
  grep -E 'error|FAILED' "$tree/build.log" | head -40
  echo "unity build of billflow failed (full log: $tree/build.log): a name defined in two" \
    "files of one library; give it one home (core/ascii.h and the like) or distinct names" >&2
  exit 1
fi
echo "unity build of billflow: ok"
