#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs tshark with the plugin from the build tree: tools/tshark-with-plugin.sh [tshark args]
# tshark run as root ignores plugin folders (DESIGN 2.1), so as root it runs as nobody, on
# copies of the plugin, of the -r capture and of the key log files named by -o (a preference
# ending in keylog or keylog_file) in a fresh folder that nobody can read.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
PLUGIN_DIR=${FUNXMPP_PLUGIN_DIR:-$top/build/plugins}
. "$top/tools/plugin-env.sh"
args=()
while [ $# -gt 0 ]; do
    if [ "$1" = -r ] && [ $# -gt 1 ]; then
        args+=(-r "$(stage "$2")") && shift 2 && continue
    fi
    if [ "$1" = -o ] && [ $# -gt 1 ] && [[ "$2" =~ ^([a-z0-9_.]*keylog(_file)?):(.+)$ ]] && [ -f "${BASH_REMATCH[3]}" ]; then
        args+=(-o "${BASH_REMATCH[1]}:$(stage "${BASH_REMATCH[3]}")") && shift 2 && continue
    fi
    args+=("$1"); shift
done
run_tshark "${args[@]}"
