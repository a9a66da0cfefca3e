#!/usr/bin/env bash
# Installs whatever this machine lacks to build and run Strand; safe to run again.
#   scripts/setup.sh          libtorch, npm packages, native addon, TypeScript build
#   scripts/setup.sh --peers  also the Python peers used by tests and benchmarks
#                             (Debian python3-torch, python3-numpy, python3-sklearn, python3-pyfaidx, python3-pybigwig, python3-onnx,
#                             bcftools and tabix) and Chromium for the browser tests (Debian chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'strand setup: %s\n' "$*"; }
fail() { printf 'strand: error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    fail "missing Debian packages: $*; run 'sudo apt-get install -y $*' (or run make as root)"
  fi
  say "installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "$@" >/tmp/strand-apt.log 2>&1; then
    apt-get update -q >/tmp/strand-apt-update.log 2>&1 || true
    apt-get install -y -q --no-install-recommends "$@" >/tmp/strand-apt.log 2>&1 ||
      fail "apt-get install $* failed; see /tmp/strand-apt.log"
  fi
}

# 1. libtorch: LIBTORCH=/path selects an unpacked build; otherwise Debian's libtorch-dev.
if [ -n "${LIBTORCH:-}" ]; then
  [ -f "$LIBTORCH/include/torch/csrc/api/include/torch/torch.h" ] ||
    fail "LIBTORCH=$LIBTORCH does not look like a libtorch folder (no include/torch/csrc/api/include/torch/torch.h)"
elif [ ! -f /usr/include/torch/csrc/api/include/torch/torch.h ]; then
  apt_install libtorch-dev
fi

# 1b. Gloo headers, so the addon gets libtorch's c10d process group (distributed training);
#     libtorch's own libraries already hold the code. Without them the addon builds, minus that.
if [ -z "${LIBTORCH:-}" ] && [ ! -f /usr/include/gloo/algorithm.h ]; then
  apt_install libgloo-dev
fi

# 2. Peers for tests and benchmarks (PyTorch, scikit-learn, pyfaidx from Debian).
if [ "${1:-}" = "--peers" ]; then
  if ! /usr/bin/python3 -c 'import torch, numpy, sklearn, pyfaidx, pyBigWig, onnx' >/dev/null 2>&1; then
    apt_install python3-torch python3-numpy python3-sklearn python3-pyfaidx python3-pybigwig python3-onnx
  fi
  # bcftools / tabix: the standard readers that check the VCFs score-variants writes
  if ! command -v bcftools >/dev/null 2>&1 || ! command -v tabix >/dev/null 2>&1; then
    apt_install bcftools tabix
  fi
  # Headless Chromium for the browser tests (the serve page, report.html); fonts so text renders.
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium fonts-liberation
  fi
fi

# 3. npm packages, when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  # onnxruntime-node (a test peer) ships its CPU binary; its install script would download a GPU one.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi

# 4. The native addon, when missing or older than its sources.
addon=build/Release/strand_native.node
if [ ! -f "$addon" ] || [ -n "$(find native binding.gyp scripts/libtorch-flags.cjs -newer "$addon" 2>/dev/null | head -n 1)" ] ||
   [ "$(cat build/.libtorch 2>/dev/null)" != "${LIBTORCH:-system}" ]; then
  say "building the native addon (about 30 s)"
  node scripts/build-native.mjs >/tmp/strand-native-build.log 2>&1 ||
    { tail -n 30 /tmp/strand-native-build.log >&2; fail "native addon build failed; full log in /tmp/strand-native-build.log"; }
  echo "${LIBTORCH:-system}" > build/.libtorch
fi

# 5. TypeScript.
npx tsc -p tsconfig.json
