#!/usr/bin/env bash
# Installs what billflow needs to build and test on Debian 12 (run as root), then builds it.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: build chain, libraries we link, servers and clients the tests start.
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libexpected-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev libssl-dev
  libgtest-dev libgmock-dev libmariadb-dev libcurl4-openssl-dev zlib1g-dev libtomlplusplus-dev
  sqlite3 mariadb-server mariadb-client python3 python3-pymysql awscli
  clang libclang-rt-14-dev hyperfine unzip zip shellcheck
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages used only by tests (csv-spectrum, s3rver, hcl2json), pinned in tests/package-lock.json.
if [ ! -f tests/node_modules/.stamp ] || [ tests/package.json -nt tests/node_modules/.stamp ]; then
  echo "setup: npm install in tests/" >&2
  (cd tests && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  touch tests/node_modules/.stamp
fi

build_dir=${BILLFLOW_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" -- -j"$(nproc)" | grep -v '^\[' || true
test "${PIPESTATUS[0]}" -eq 0
