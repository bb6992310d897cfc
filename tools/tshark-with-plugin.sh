#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs tshark with the plugin from the build tree: tools/tshark-with-plugin.sh [tshark args]
# tshark run as root ignores plugin folders (DESIGN 2.1), so as root it runs as nobody, on
# copies of the plugin and of the -r capture in a fresh folder that nobody can read.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
plugins=${FUNXMPP_PLUGIN_DIR:-$top/build/plugins}
[ -d "$plugins" ] || { echo "no plugin in $plugins: build first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
    exec env WIRESHARK_PLUGIN_DIR="$plugins" tshark "$@"
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$plugins" "$stage/plugins"
mkdir "$stage/home"
args=()
while [ $# -gt 0 ]; do
    if [ "$1" = -r ] && [ $# -gt 1 ]; then
        cp "$2" "$stage/capture" && args+=(-r "$stage/capture") && shift 2 && continue
    fi
    args+=("$1"); shift
done
chmod -R a+rX "$stage" && chmod a+w "$stage/home"
cd "$stage"
setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" tshark "${args[@]}"
