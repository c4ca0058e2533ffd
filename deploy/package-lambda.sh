#!/usr/bin/env bash
# Builds the AWS Lambda package of billflow: dist/billflow-lambda.zip for the provided.al2023 runtime.
#
#   bootstrap       #!/bin/sh that runs bin/billflow lambda through the bundled loader
#   bin/billflow    Release build of the CLI
#   lib/            every shared library ldd lists, plus the dynamic loader
#
# Amazon Linux 2023 ships glibc 2.34; a binary built on Debian 12 (glibc 2.36) does not start
# there with the system's libraries, so the package brings its own glibc and runs the binary
# through its own loader. The archive is deterministic (fixed timestamps, sorted entries), so
# the same binary gives the same zip and Terraform's source_code_hash changes only with content.
#
# Usage: deploy/package-lambda.sh [--help]
# Environment:
#   BILLFLOW_BIN=PATH   package this binary instead of building one (the build is skipped)
#   BILLFLOW_DIST=DIR   write the zip to DIR instead of <repo>/dist
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
  "") ;;
  *)
    echo "package-lambda.sh: unknown argument '$1' (see --help)" >&2
    exit 2
    ;;
esac

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dist_dir=${BILLFLOW_DIST:-$repo_root/dist}
zip_path=$dist_dir/billflow-lambda.zip

for tool in zip ldd; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "package-lambda.sh: '$tool' is not installed (Debian: apt-get install ${tool/ldd/libc-bin})" >&2
    exit 2
  fi
done

if [ -n "${BILLFLOW_BIN:-}" ]; then
  binary=$BILLFLOW_BIN
  echo "package-lambda.sh: packaging $binary (BILLFLOW_BIN set, build skipped)" >&2
else
  echo "package-lambda.sh: building billflow (Release) in build-release/" >&2
  (
    cd "$repo_root"
    # Warnings stay on but are not fatal here: -Werror is enforced by the test build, and at -O3
    # g++ 12 raises false -Wrestrict positives inside std::string (GCC bug 105329).
    cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBILLFLOW_WERROR=OFF >/dev/null
    cmake --build build-release --target billflow
  )
  binary=$repo_root/build-release/billflow
fi
if [ ! -x "$binary" ]; then
  echo "package-lambda.sh: $binary is not an executable file" >&2
  exit 1
fi

# ldd prints "name => /path (addr)" for libraries, "/path/ld-linux-... (addr)" for the loader and
# a bare "linux-vdso.so.1 (addr)" for the kernel's vDSO, which has no file.
if ! ldd_out=$(ldd "$binary" 2>&1) || grep -q 'not a dynamic executable' <<<"$ldd_out"; then
  echo "package-lambda.sh: ldd cannot read $binary:" >&2
  echo "$ldd_out" >&2
  exit 1
fi
if grep -q '=> not found' <<<"$ldd_out"; then
  echo "package-lambda.sh: $binary has unresolved libraries:" >&2
  grep '=> not found' <<<"$ldd_out" >&2
  exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
cp "$binary" "$stage/bin/billflow"

loader_name=
while read -r first second third _; do
  if [ "$second" = "=>" ] && [ "${third:0:1}" = "/" ]; then
    # Saved under the name the binary asks for (the soname), with symlinks resolved.
    cp -L "$third" "$stage/lib/$first"
  elif [ "${first:0:1}" = "/" ]; then
    loader_name=$(basename "$first")
    cp -L "$first" "$stage/lib/$loader_name"
  fi
done <<<"$ldd_out"
if [ -z "$loader_name" ]; then
  echo "package-lambda.sh: ldd named no dynamic loader for $binary" >&2
  exit 1
fi

# Debian's libcurl looks for CA certificates at /etc/ssl/certs/ca-certificates.crt, a path that
# Amazon Linux does not have (it uses /etc/pki/tls/certs/ca-bundle.crt): ship the bundle.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
if [ -f "$ca_bundle" ]; then
  mkdir -p "$stage/etc"
  cp -L "$ca_bundle" "$stage/etc/ca-certificates.crt"
else
  echo "package-lambda.sh: warning: $ca_bundle missing; TLS will rely on the runtime's CA paths" >&2
fi

cat >"$stage/bootstrap" <<EOF
#!/bin/sh
# Lambda custom runtime entry point: run billflow's runtime loop with the bundled glibc and loader.
root="\${LAMBDA_TASK_ROOT:-\$(cd "\$(dirname "\$0")" && pwd)}"
if [ -f "\$root/etc/ca-certificates.crt" ]; then
  export SSL_CERT_FILE="\${SSL_CERT_FILE:-\$root/etc/ca-certificates.crt}"
  export CURL_CA_BUNDLE="\${CURL_CA_BUNDLE:-\$root/etc/ca-certificates.crt}"
fi
exec "\$root/lib/$loader_name" --library-path "\$root/lib" "\$root/bin/billflow" lambda
EOF
chmod 0644 "$stage"/lib/*
chmod 0755 "$stage/bootstrap" "$stage/bin/billflow" "$stage/lib/$loader_name"

mkdir -p "$dist_dir"
rm -f "$zip_path"
(
  cd "$stage"
  find . -exec touch -h -d '1980-01-01 00:00:00 UTC' {} +
  find . -type f | LC_ALL=C sort | sed 's|^\./||' | TZ=UTC zip -q -X -9 "$zip_path" -@
)

zip_bytes=$(stat -c %s "$zip_path")
unzipped_bytes=$(du -sb "$stage" | cut -f1)
echo "package-lambda.sh: wrote $zip_path ($(numfmt --to=iec "$zip_bytes") zipped, $(numfmt --to=iec "$unzipped_bytes") unzipped)"
# Lambda limits: 50 MB for a zip uploaded directly, 250 MB unzipped.
if ((zip_bytes > 50 * 1000 * 1000)); then
  echo "package-lambda.sh: warning: over 50 MB; a direct upload will be refused (upload through S3)" >&2
fi
if ((unzipped_bytes > 250 * 1024 * 1024)); then
  echo "package-lambda.sh: warning: over Lambda's 250 MB unzipped limit" >&2
fi
