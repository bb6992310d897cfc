#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what the project needs on Debian 12 (bookworm), 13 (trixie) and unstable (sid):
# build tools, GoogleTest, libgcrypt and zlib, Wireshark's development files and tshark (the
# plugin's host), dpkg-dev and file (cpack -G DEB), valgrind, and clang with its runtime for
# the fuzzers, and Node.js with npm (tests/baileys runs the baileys client, which wants Node.js
# 20 or later; a Node.js already installed, e.g. from NodeSource, is kept). Names that differ
# between releases are asked of apt, not written here. Idempotent.
set -euo pipefail

packages=(
    build-essential cmake pkg-config git
    googletest libgtest-dev libbenchmark-dev
    libgcrypt20-dev zlib1g-dev libglib2.0-dev
    tshark libwireshark-dev wireshark-dev
    dpkg-dev file                         # cpack -G DEB (dpkg-shlibdeps derives the dependencies)
    valgrind                              # tools/valgrind-captures.sh (a CI test)
    clang xxd                             # tools/fuzz.sh (libFuzzer with ASan and UBSan)
    debootstrap                           # tools/debian-root.sh (CI on other Debian releases)
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# clang's sanitizer and libFuzzer runtime comes in a package named after the clang version
# that this release's `clang` stands for (libclang-rt-14-dev on Debian 12, -19- on 13, ...).
clang_runtime() {
    local major
    major=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -1)
    [ -n "$major" ] && echo "libclang-rt-$major-dev"
}

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
command -v node >/dev/null || missing+=(nodejs)
runtime=$(clang_runtime || true)
if [ ${#missing[@]} -gt 0 ] || [ -z "$runtime" ] || ! installed "$runtime"; then
    apt_get update -qq
    runtime=$(clang_runtime) || { echo "setup-debian.sh: apt knows no clang-N behind clang" >&2; exit 1; }
    installed "$runtime" || missing+=("$runtime")
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
    apt_get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's nodejs comes without npm (NodeSource's has it built in).
if ! command -v npm >/dev/null; then
    apt_get install -y -qq --no-install-recommends npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "setup-debian.sh: Node.js $(node --version) is older than 20: the baileys test (tests/baileys) will fail" >&2
fi
