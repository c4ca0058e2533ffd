#!/usr/bin/env bash
# The newcomer check: does a lone clone pass on a bare Debian 12 machine with the README's two
# commands and nothing else? Run as root on Debian 12 (not part of .ci/run: it downloads and
# builds everything from scratch, ~30 minutes on 2 cores).
#
#   bash scripts/fresh-machine-check.sh [--demo-only] [--keep] [--logs DIR]
#   bash scripts/fresh-machine-check.sh --rerun ROOT [--logs DIR]
#
# Builds a `debootstrap --variant=minbase bookworm` root once and caches it as a tarball in
# $BILLFLOW_FRESH_CACHE (default /var/cache/billflow-fresh); every run unpacks a new copy, clones
# this repository's HEAD into /root/billflow with nothing beside it, and runs
# `bash scripts/demo.sh` then `bash scripts/test.sh` there in a chroot with an empty environment.
# Prints each command's exit code and wall time; full logs go to --logs DIR (default: a new
# /tmp/billflow-fresh-logs-* directory). --keep leaves the root in place for a look afterwards.
# --rerun ROOT is the quick way to check a fix: in a root kept by --keep, it moves the clone to
# this repository's HEAD and runs only `bash scripts/test.sh` again. The root already has every
# package and a build, so that figure is NOT a fresh-machine result, and it says so.
# Exits 0 only when every command run exited 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${BILLFLOW_FRESH_CACHE:-/var/cache/billflow-fresh}
demo_only=0
keep=0
logs=
rerun=
while (($#)); do
  case $1 in
    --demo-only) demo_only=1 ;;
    --keep) keep=1 ;;
    --logs) logs=$2; shift ;;
    --rerun) rerun=$2; shift ;;
    *) echo "usage: bash scripts/fresh-machine-check.sh [--demo-only] [--keep] [--logs DIR] | --rerun ROOT [--logs DIR]" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "fresh-machine-check: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and bind mounts)"

# The base root: what `debootstrap --variant=minbase` gives, from the mirror this machine uses.
base=$cache/bookworm-minbase.tar.gz
if [ -z "$rerun" ] && [ ! -f "$base" ]; then
  command -v debootstrap >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  sources=/etc/apt/sources.list.d/debian.sources
  mirror=$(awk '$1 == "URIs:" { print $2; exit }' "$sources" 2>/dev/null || true)
  [ -n "$mirror" ] || die "no Debian mirror found in $sources (its first URIs: line)"
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/staging.XXXXXX")
  echo "fresh-machine-check: debootstrap --variant=minbase bookworm from $mirror (once; cached in $base)"
  debootstrap --variant=minbase bookworm "$staging/root" "$mirror" >"$staging/debootstrap.log" 2>&1 ||
    { tail -20 "$staging/debootstrap.log" >&2; die "debootstrap failed (log: $staging/debootstrap.log)"; }
  [ -f "$sources" ] && cp "$sources" "$staging/root/etc/apt/sources.list.d/" &&
    rm -f "$staging/root/etc/apt/sources.list"
  tar -C "$staging/root" -czf "$base.partial" .
  mv "$base.partial" "$base"
  rm -rf "$staging"
fi

if [ -n "$rerun" ]; then
  root=$(cd "$rerun" && pwd)
  [ -d "$root/root/billflow/.git" ] || die "$rerun is not a root kept by --keep (no /root/billflow clone)"
  work=$(dirname "$root")
  keep=1
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/billflow-fresh-XXXXXX")
  root=$work/root
fi
logs=${logs:-$(mktemp -d "${TMPDIR:-/tmp}/billflow-fresh-logs-XXXXXX")}
mkdir -p "$logs"
mounted=()

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local pid i
  # Whatever a test left running inside the root keeps its mounts busy: end those processes
  # (found by their root directory, so nothing outside the chroot is touched).
  for pid in /proc/[0-9]*; do
    [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ] && kill -9 "${pid#/proc/}" 2>/dev/null
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  if grep -q " $root/" /proc/mounts; then
    echo "fresh-machine-check: still mounted under $root; left in place" >&2
  elif [ "$keep" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "fresh-machine-check: root kept at $root (mounts removed)"
  fi
}
trap cleanup EXIT

extra_ca=/usr/local/share/ca-certificates/extra-ca-bundle.pem
if [ -z "$rerun" ]; then
  mkdir "$root"
  tar -C "$root" -xzf "$base"
  # What any installed machine has and a bare root lacks: a hosts file (mariadb-install-db resolves
  # the host name), a resolver, and the machine's extra CA certificates (the package registries may
  # be reached through a TLS proxy that presents them). The certificates are copied where the
  # ca-certificates package's update-ca-certificates (run when setup.sh installs it) picks them up,
  # and bundled into one file for node, which reads NODE_EXTRA_CA_CERTS.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  mkdir -p "$root/usr/local/share/ca-certificates"
  # The bundle's name does not end in .crt, so update-ca-certificates does not add it twice.
  : >"$root$extra_ca"
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [ -f "$crt" ] || continue
    cp "$crt" "$root/usr/local/share/ca-certificates/"
    cat "$crt" >>"$root$extra_ca"
  done
  chroot "$root" sh -c 'command -v update-ca-certificates >/dev/null && update-ca-certificates >/dev/null' || true
fi

for m in proc sys dev dev/pts; do
  mount --bind "/$m" "$root/$m"
  mounted+=("$root/$m")
done
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"  # POSIX shared memory (chromium) of its own
mounted+=("$root/dev/shm")

# The lone clone: HEAD of this repository, with nothing beside it.
commit=$(git -C "$repo" rev-parse HEAD)
if [ -n "$rerun" ]; then
  git -C "$root/root/billflow" fetch --quiet "$repo" "$commit"
  # A new clone's main (and origin/main) is this repository's main: move the kept clone's too, or
  # what compares with main (lint_clang_tidy_changed lints all since it) sees the whole history
  # between the two runs.
  git -C "$root/root/billflow" fetch --quiet "$repo" "+refs/heads/main:refs/remotes/origin/main"
  git -C "$root/root/billflow" update-ref refs/heads/main refs/remotes/origin/main
else
  git clone --quiet --no-hardlinks "$repo" "$root/root/billflow"
fi
git -C "$root/root/billflow" checkout --quiet --detach "$commit"
echo "fresh-machine-check: $(git -C "$repo" log -1 --format='%h %s' "$commit")"
[ -e "$root/root/shared" ] && die "a shared/ folder is beside the clone"

status=0
run_in_root() {  # run_in_root NAME COMMAND: runs COMMAND in the clone; prints exit code and time
  local name=$1 command=$2 started rc=0
  started=$(date +%s.%N)
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS="$extra_ca" \
    bash -lc "cd /root/billflow && $command" </dev/null >"$logs/$name.log" 2>&1 || rc=$?
  local seconds
  seconds=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.0f", a - b }')
  printf 'fresh-machine-check: %-20s exit %d, %s s (log: %s)\n' "$command" "$rc" "$seconds" "$logs/$name.log"
  if [ "$rc" -ne 0 ]; then
    tail -40 "$logs/$name.log"
    status=1
  fi
  return 0
}
if [ -n "$rerun" ]; then
  echo "fresh-machine-check: RE-RUN of bash scripts/test.sh only, in the kept root $root" \
    "(packages and build already there: not a fresh-machine figure)"
  run_in_root test "bash scripts/test.sh"
  grep -E 'tests passed|tests failed|Total Test time' "$logs/test.log" || true
  exit "$status"
fi
run_in_root demo "bash scripts/demo.sh"
if [ "$demo_only" -eq 0 ]; then
  run_in_root demo-again "bash scripts/demo.sh"
  run_in_root test "bash scripts/test.sh"
  grep -E 'tests passed|tests failed|Total Test time' "$logs/test.log" || true
fi
exit "$status"
