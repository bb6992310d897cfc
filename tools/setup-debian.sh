#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what the project needs on Debian 12: build tools, GoogleTest, libgcrypt and zlib,
# Wireshark's development files and tshark (the plugin's host), valgrind, and clang for the
# fuzzers. Idempotent.
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    googletest libgtest-dev libbenchmark-dev
    libgcrypt20-dev zlib1g-dev libglib2.0-dev
    tshark libwireshark-dev wireshark-dev
    valgrind                              # tools/valgrind-captures.sh (a CI test)
    clang libclang-rt-14-dev xxd          # tools/fuzz.sh (libFuzzer with ASan and UBSan)
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
