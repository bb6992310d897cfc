# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tshark tests: tools/plugin-env.sh (run_tshark, stage, WORK) and the checks.
# Needs: PLUGIN_DIR (build/plugins).

. "$(dirname "${BASH_SOURCE[0]}")/../../tools/plugin-env.sh"

fails=0; passes=0
check() {  # name, then a command whose status decides
    local name=$1; shift
    if "$@"; then passes=$((passes + 1)); echo "ok   $name"; else fails=$((fails + 1)); echo "FAIL $name"; fi
}
same() {  # expected file, actual file
    if diff -u "$1" "$2" >"$WORK/diff"; then return 0; fi
    head -40 "$WORK/diff"; return 1
}
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" = 0 ]
}
