# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tshark tests: tools/plugin-env.sh (run_tshark, stage, WORK) and the checks.
# Needs: PLUGIN_DIR (build/plugins).

. "$(dirname "${BASH_SOURCE[0]}")/../../tools/plugin-env.sh"

# "packet<TAB>Info" per packet as the packet list shows it: the columns once every dissector,
# postdissectors (wareg) included, has run. (Since 4.2, -e _ws.col.info is read before them.)
info_column() {  # tshark options...
    run_tshark "$@" -o 'gui.column.format:"No.","%m","Info","%i"' | sed -E 's/^ *([0-9]+) /\1\t/'
}

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
