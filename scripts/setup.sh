#!/usr/bin/env bash
# Installs what billflow needs on Debian 12 (run as root), then builds it.
#   bash scripts/setup.sh build   the compiler, CMake/Ninja and the -dev libraries; builds the
#                                 `billflow` target only (what scripts/demo.sh needs)
#   bash scripts/setup.sh test    all of the above, plus the servers, clients, browsers and npm
#                                 packages the tests start; builds every target (the default)
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-test}
case $level in
  build | test) ;;
  *) echo "usage: bash scripts/setup.sh [build|test]" >&2; exit 2 ;;
esac

# What configuring and compiling every target needs (GoogleTest too: the top-level CMakeLists.txt
# finds it, so a configure without it fails even when only `billflow` is built). g++ rather than
# build-essential: the build runs Ninja, so make and dpkg-dev (and the perl they pull in) are not
# needed.
build_packages=(
  g++ cmake ninja-build pkg-config ca-certificates
  libexpected-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev libssl-dev
  libgtest-dev libgmock-dev libmariadb-dev libcurl4-openssl-dev zlib1g-dev
  libtomlplusplus-dev libzip-dev libpugixml-dev libpq-dev
)
# What the tests run: database servers and clients, AWS CLI, clang for the fuzzers and lint,
# a browser for the HTML report, node for the S3 front and the deploy checks, shell tools.
test_packages=(
  git openssl curl jq time unzip zip sqlite3 mariadb-server mariadb-client postgresql
  python3 python3-pymysql python3-psycopg2 awscli clang libclang-rt-14-dev clang-format clang-tidy
  hyperfine shellcheck chromium nodejs npm
)
packages=("${build_packages[@]}")
[ "$level" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian (a nodesource or nvm install): any on PATH will do.
if [ "$level" = test ]; then
  kept=()
  for p in "${missing[@]}"; do
    case $p in
      nodejs) command -v node >/dev/null 2>&1 || kept+=("$p") ;;
      npm) command -v npm >/dev/null 2>&1 || kept+=("$p") ;;
      *) kept+=("$p") ;;
    esac
  done
  missing=("${kept[@]}")
fi
# Each phase prints its wall time on stderr, so a slow first run shows where the time went.
phase_started=$SECONDS
phase_done() { echo "setup: $1 in $((SECONDS - phase_started)) s" >&2; phase_started=$SECONDS; }
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  phase_done "apt-get update"
  # Downloading first, then installing, splits the time between the network and dpkg.
  apt-get install -y -qq --no-install-recommends --download-only "${missing[@]}" >/dev/null
  phase_done "apt-get download for ${#missing[@]} packages"
  # dpkg syncs every file it unpacks; a fresh machine's test level spent 599 s unpacking (the
  # browser, clang and the servers). Unsafe-io skips those syncs only: a power cut mid-install
  # would need the install again, nothing else.
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io \
    "${missing[@]}" >/dev/null
  phase_done "apt-get unpack and configure of ${#missing[@]} packages"
fi

# npm packages used only by tests (csv-spectrum, s3rver, hcl2json), pinned in tests/package-lock.json.
if [ "$level" = test ]; then
  if [ ! -f tests/node_modules/.stamp ] || [ tests/package.json -nt tests/node_modules/.stamp ] ||
    [ tests/package-lock.json -nt tests/node_modules/.stamp ]; then
    echo "setup: npm install in tests/" >&2
    (cd tests && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/node_modules/.stamp
    phase_done "npm install"
  fi
fi

build_dir=${BILLFLOW_BUILD_DIR:-build}
# Configure once per level: a tree configured by the demo found no node or clang++, so the tests
# that need them (deploy checks, fuzz targets) appear only after configuring again.
# The build level compiles the Quick type (-O1, no debug info: what a first demo waits for) as a
# unity build (each library's sources compiled in batches, so the heavy headers such as
# nlohmann/json are parsed and instantiated once a batch: 159 s of CPU for `billflow` against
# 393 s file by file); the test level configures RelWithDebInfo file by file (clang-tidy reads each file's
# compile command), and a later demo keeps that tree as it is.
build_type=RelWithDebInfo
unity=OFF
[ "$level" = build ] && build_type=Quick && unity=ON
if [ ! -f "$build_dir/build.ninja" ] || [ "$(cat "$build_dir/.setup-level" 2>/dev/null)" != "$level" ]; then
  if [ ! -f "$build_dir/build.ninja" ] || [ "$level" = test ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
      -DCMAKE_UNITY_BUILD="$unity" >/dev/null
    echo "$level" >"$build_dir/.setup-level"
    phase_done "cmake configure ($build_type)"
  fi
fi
targets=()
built="every target"
[ "$level" = build ] && targets=(--target billflow) && built=billflow
# The build's own exit status decides (under pipefail, `… | grep || true` would hide a failure).
if ! cmake --build "$build_dir" "${targets[@]}" -- -j"$(nproc)" >"$build_dir/setup-build.log" 2>&1; then
  grep -v '^\[' "$build_dir/setup-build.log" >&2 || true
  echo "setup: the build failed (log: $build_dir/setup-build.log)" >&2
  exit 1
fi
phase_done "build of $built (-j$(nproc))"
grep -v '^\[' "$build_dir/setup-build.log" || true
