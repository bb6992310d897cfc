#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Labels at their edges, on captures generated here from tests/tshark/edges/*.session:
# - labels.session: the whole FunXMPP subtree (-V -O funxmpp) as recorded in labels.txt, the
#   same in two passes: an attribute longer than a label is cut and marked by Wireshark
#   ("[truncated]"), a start tag that outgrows a label is cut, non-ASCII and escaped values;
# - multiline.session: a message whose text has a line break is one line in the flow graph
#   (its arrow label and comment), the break written \n.
# After an intended change of labels: label_edges_test.sh --update CAPTURE_GEN PLUGIN_DIR
# usage: label_edges_test.sh [--update] CAPTURE_GEN PLUGIN_DIR
set -u
update=false
[ "${1:-}" = --update ] && { update=true; shift; }
capture_gen=$1 PLUGIN_DIR=$2
. "$(dirname "$0")/tshark_env.sh"
edges=$(cd "$(dirname "$0")" && pwd)/edges
for name in labels multiline; do
    "$capture_gen" "$edges/$name.session" "$WORK/$name" >/dev/null || { echo "FAIL capture-gen $name"; exit 1; }
done
chmod -R a+rX "$WORK"

subtree() {  # tshark options: the FunXMPP subtrees of -V, "Frame N:" lines between
    run_tshark -r "$WORK/labels.pcap" "$@" -V -O funxmpp 2>/dev/null |
        awk '/^Frame [0-9]+:/ { print $1 " " $2; next } /^FunXMPP / { on = 1; print; next } /^[^ ]/ { on = 0; next } on { print }'
}
subtree >"$WORK/labels.txt"
if $update; then
    cp "$WORK/labels.txt" "$edges/labels.txt"
    echo "updated $edges/labels.txt"
    exit 0
fi
# Wireshark marks a cut label its own way ("[truncated]" up to 4.2, "[…]" since, where the cut
# falls on a character, and its indent may move): the recording (4.0) is compared with the
# marks and indents taken out, each line to its first 150 characters; the marks are checked below.
unmarked() { sed -E 's/\[truncated\] ?//; s/\[…\] ?//; s/^ +//' "$1" | cut -c1-150; }
check "labels: -V -O funxmpp as recorded (cut marks aside)" same <(unmarked "$edges/labels.txt") <(unmarked "$WORK/labels.txt")
subtree -2 >"$WORK/labels.2"
check "labels: the same in two passes" same "$WORK/labels.txt" "$WORK/labels.2"
check "labels: a long attribute's item is cut and marked" grep -qE '^ +(\[truncated\]|\[…\] )long="x{100}' "$WORK/labels.txt"
long_tag=$(grep -E '^ +(\[…\] )?<iq id="02" a1=' "$WORK/labels.txt" | head -n 1 | sed -E 's/^ +//')
check "labels: a long start tag is cut at a label's length (${#long_tag} characters)" \
    bash -c '[ "${#1}" -ge 200 ] && [ "${#1}" -le 239 ] && [ "${1: -1}" != ">" ]' - "$long_tag"

run_tshark -r "$WORK/multiline.pcap" -o "funxmpp.noise_keylog:$WORK/multiline.keylog" -q -z flow,funxmpp,standard \
    2>/dev/null >"$WORK/flow"
check "flow: a text with a line break labels its arrow on one line" \
    grep -qF '|FunXMPP: message from=4915112345678@s.whatsapp.net type=text text "Line1\nLine2"' "$WORK/flow"
check "flow: no line of the graph starts inside a label" bash -c "! grep -q '^Line2' '$WORK/flow'"
finish
