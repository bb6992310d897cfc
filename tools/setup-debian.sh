#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what the project needs on Debian 12 (bookworm), 13 (trixie) and unstable (sid):
# build tools, GoogleTest, libgcrypt and zlib, Wireshark's development files and tshark (the
# plugin's host), dpkg-dev and file (cpack -G DEB), valgrind, clang with its runtime for the
# fuzzers, Python's Dask and tqdm and the sqlite3 shell (tools/funxmpp-batch), and Node.js 20
# or later with npm (tests/baileys runs the baileys client, which refuses older ones): Debian's
# where the release has 20 or later (13, unstable), else (Debian 12: 18) a pinned one from the
# npm registry in .deps/node (tools/install-node.sh). A Node.js already installed, 20 or
# later, is kept; an older one is left alone. Names that differ between releases are asked of
# apt, not written here. Idempotent. Also Debian's chromium (the console snippet's test runs it
# headless), unless --without-browser (CI's release roots, which run no browser test).
# usage: tools/setup-debian.sh [--without-browser]
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
    python3-distributed python3-tqdm sqlite3  # tools/funxmpp-batch (Dask, its progress bar; queries)
)
[ "${1:-}" = --without-browser ] || packages+=(chromium)  # tests/browser/snippet_in_chromium_test.sh

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

# The major version of the nodejs package this release's apt would install (0: none).
apt_nodejs_major() {
    apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: \([0-9]*:\)\{0,1\}\([0-9][0-9]*\)\..*/\2/p' | head -1 | grep . || echo 0
}

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
. "$(dirname "$0")/node-env.sh"  # NODE_PROBLEM, NPM_PROBLEM: no Node.js 20, no npm on PATH or in .deps/node
runtime=$(clang_runtime || true)
if [ ${#missing[@]} -gt 0 ] || [ -n "$NODE_PROBLEM$NPM_PROBLEM" ] || [ -z "$runtime" ] || ! installed "$runtime"; then
    apt_get update -qq
    runtime=$(clang_runtime) || { echo "setup-debian.sh: apt knows no clang-N behind clang" >&2; exit 1; }
    installed "$runtime" || missing+=("$runtime")
fi
pinned_node=
if [ -n "$NODE_PROBLEM" ]; then
    if [ "$(apt_nodejs_major)" -ge 20 ]; then
        missing+=(nodejs)  # npm below: NodeSource's nodejs has it built in (and conflicts with Debian's)
    else
        pinned_node=yes
        for p in curl ca-certificates; do installed "$p" || missing+=("$p"); done
    fi
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
    apt_get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ -n "$pinned_node" ]; then
    "$(dirname "$0")/install-node.sh"
fi
. "$(dirname "$0")/node-env.sh"
if [ -z "$NODE_PROBLEM" ] && [ -n "$NPM_PROBLEM" ]; then  # Debian's nodejs comes without npm
    apt_get install -y -qq --no-install-recommends npm
    . "$(dirname "$0")/node-env.sh"
fi
if [ -n "$NODE_PROBLEM$NPM_PROBLEM" ]; then
    echo "setup-debian.sh: the tests' Node.js: still ${NODE_PROBLEM:-$NPM_PROBLEM}" >&2
    exit 1
fi
