#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden check of the whole FunXMPP subtree (tshark -V -O funxmpp) of a few captures: every
# label, encoding note, generated item and expert item, so that a change of what users read
# fails CI. The expected text is recorded (tests/tshark/verbose/NAME.txt); after an intended
# change of labels, regenerate it with: verbose_tree_test.sh --update PLUGIN_DIR CAPTURES_DIR NAME...
# usage: verbose_tree_test.sh [--update] PLUGIN_DIR CAPTURES_DIR NAME...
set -u
update=false
[ "${1:-}" = --update ] && { update=true; shift; }
PLUGIN_DIR=$1 dir=$2
shift 2
. "$(dirname "$0")/tshark_env.sh"
expected_dir=$(cd "$(dirname "$0")" && pwd)/verbose

# "Frame N:" lines, and each FunXMPP subtree from its top line to the next protocol.
funxmpp_subtrees() {
    awk '/^Frame [0-9]+:/ { print $1 " " $2; next }
         /^FunXMPP / { on = 1; print; next }
         /^[^ ]/ { on = 0; next }
         on { print }'
}

for name in "$@"; do
    pcap=$(stage "$dir/$name.pcap")
    read -r -a opts <<<"$(sed -n 's/^# tshark: //p' "$dir/$name.session")"
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -V -O funxmpp 2>"$WORK/stderr" | funxmpp_subtrees >"$WORK/$name.txt"
    if $update; then
        cp "$WORK/$name.txt" "$expected_dir/$name.txt"
        echo "updated $expected_dir/$name.txt"
        continue
    fi
    check "$name: -V -O funxmpp as recorded" same "$expected_dir/$name.txt" "$WORK/$name.txt"
    check "$name: nothing on stderr" test ! -s "$WORK/stderr"
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -2 -V -O funxmpp 2>/dev/null | funxmpp_subtrees >"$WORK/$name.2pass"
    check "$name: -2 -V -O funxmpp the same" same "$WORK/$name.txt" "$WORK/$name.2pass"
done
$update || finish
