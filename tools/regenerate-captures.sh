#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates every captures/NAME.pcap with its expected outputs (.xml, .tree, .expert, .decrypted, .wareg, .stream)
# from captures/NAME.session. usage: tools/regenerate-captures.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-captures}
build=${BUILD_DIR:-build}
cmake -S . -B "$build" >/dev/null
cmake --build "$build" --target funxmpp-capture-gen -j"$(nproc)" >/dev/null
mkdir -p "$out"
for script in captures/*.session; do
    name=$(basename "$script" .session)
    "$build/bin/funxmpp-capture-gen" "$script" "$out/$name"
    echo "$out/$name.pcap"
done
