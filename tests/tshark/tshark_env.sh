# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tshark tests: tools/plugin-env.sh (run_tshark, stage, WORK) and the checks.
# Needs: PLUGIN_DIR (build/plugins).

. "$(dirname "${BASH_SOURCE[0]}")/../../tools/plugin-env.sh"

# "packet<TAB>Info" per packet as the packet list shows it: the columns once every dissector,
# postdissectors (wareg) included, has run. (Since 4.2, -e _ws.col.info is read before them.)
info_column() {  # tshark options...
    run_tshark "$@" -o 'gui.column.format:"No.","%m","Info","%i"' | sed -E 's/^ *([0-9]+) /\1\t/'
}

. "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"
