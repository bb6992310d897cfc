#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates every captures/[malformed/]NAME.pcap with its expected outputs (.xml, .tree,
# .expert, .decrypted, .wareg, .stream) from NAME.session, next to it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" >/dev/null
cmake --build "$build" --target funxmpp-capture-gen -j"$(nproc)" >/dev/null
for script in captures/*.session captures/malformed/*.session; do
    "$build/bin/funxmpp-capture-gen" "$script" "${script%.session}"
    echo "${script%.session}.pcap"
done
