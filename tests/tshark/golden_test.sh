#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden test of one generated capture: what tshark with the plugin shows must match what
# the generator was asked to encode (CAPTURE.xml, .tree, .expert, .decrypted, written by the
# generator).
# usage: golden_test.sh PLUGIN_DIR CAPTURES_DIR NAME
set -u
PLUGIN_DIR=$1 dir=$2 name=$3
. "$(dirname "$0")/tshark_env.sh"
pcap=$(stage "$dir/$name.pcap")
sep=$'\x1f'
# Options a capture needs (e.g. Decode As for a stream without prologue), from its script.
read -r -a opts <<<"$(sed -n 's/^# tshark: //p' "$dir/$name.session")"
# A successor capture's key log (the analyst's secrets, written by the generator).
if [ -s "$dir/$name.keylog" ]; then
    opts+=(-o "funxmpp.noise_keylog:$(stage "$dir/$name.keylog")")
fi

# funxmpp.xml of every packet, one stanza per line, prefixed by the packet number.
xml_lines() {  # extra tshark options...
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -Y funxmpp.xml -T fields -E "aggregator=$sep" -e frame.number -e funxmpp.xml 2>"$WORK/stderr" |
        awk -F '\t' -v sep="$sep" '{ n = split($2, v, sep); for (i = 1; i <= n; i++) print $1 "\t" v[i] }'
}

# Element labels of the verbose tree: "<packet>\t<2 spaces per depth><label>". Elements
# cut short by a decode error ("[incomplete]") are left out: the .expert file covers them.
# tshark's text output indents at most 40 levels up to 4.4 (4.6 goes on), so deeper
# elements compare at depth 39, as the generator writes them.
tree_lines() {
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -V -O funxmpp 2>/dev/null | awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame) }
        /^ +</ && !/\[incomplete\]$/ { match($0, /^ +/); depth = RLENGTH / 4 - 1; if (depth > 39) depth = 39; label = substr($0, RLENGTH + 1)
                 pad = ""; for (i = 0; i < depth; i++) pad = pad "  "; print frame "\t" pad label }'
}

# tshark reads the whole capture and exits 0, whatever the capture holds.
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -V >/dev/null 2>&1
check "$name: tshark exits 0" test $? = 0

xml_lines >"$WORK/xml.1pass"
check "$name: funxmpp.xml per stanza" same "$dir/$name.xml" "$WORK/xml.1pass"
check "$name: nothing on stderr" test ! -s "$WORK/stderr"
xml_lines -2 >"$WORK/xml.2pass"
check "$name: two-pass XML equals one-pass" same "$WORK/xml.1pass" "$WORK/xml.2pass"

# Same answer on every visit: one pass, two passes (-2, as the GUI re-dissects), and two passes
# showing only the later packets (-Y frame.number > half) give every packet the same stanzas,
# registration fields, expert items, and Info column where ours. (Links forward are known
# only once their target has been seen: wareg.answer_in, as HTTP's own http.response_in, and
# since 4.4 TCP's "[TCP PDU reassembled in N]" on the segments before a frame's last.)
visit_view() {  # display filter, extra tshark options...
    local filter=$1
    shift
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -Y "$filter" -T fields -E occurrence=a -E "aggregator=$sep" \
        -e frame.number -e funxmpp.xml -e funxmpp.tag -e funxmpp.mac.valid -e wareg.endpoint -e wareg.phone \
        -e wareg.status -e wareg.reason -e wareg.pw_used_for -e wareg.request_in -e wareg.param \
        -e funxmpp.noise.message -e funxmpp.noise.pattern -e funxmpp.noise.counter -e _ws.expert.message 2>/dev/null
    info_column -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -Y "($filter) && (funxmpp || wareg)" 2>/dev/null
}
packets=$(run_tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
half=$((packets / 2))
later() { awk -F '\t' -v h="$half" '$1 > h'; }
visit_view frame >"$WORK/visit.1pass"
visit_view frame -2 >"$WORK/visit.2pass"
check "$name: one pass and two passes show the same" same "$WORK/visit.1pass" "$WORK/visit.2pass"
later <"$WORK/visit.1pass" >"$WORK/visit.later.want"
visit_view "frame.number > $half" -2 >"$WORK/visit.later"
check "$name: two passes showing packets after $half show them the same" same "$WORK/visit.later.want" "$WORK/visit.later"

tree_lines >"$WORK/tree.1pass"
check "$name: verbose tree elements" same "$dir/$name.tree" "$WORK/tree.1pass"
tree_lines -2 >"$WORK/tree.2pass"
check "$name: two-pass tree equals one-pass" same "$WORK/tree.1pass" "$WORK/tree.2pass"

# Expert items: exactly the frames the script called for carry each expected item.
cut -f2 "$dir/$name.expert" | sort -u >"$WORK/kinds"
for kind in $(cat "$WORK/kinds"); do
    awk -F '\t' -v k="$kind" '$2 == k { print $1 }' "$dir/$name.expert" | sort -un >"$WORK/want"
    run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -Y "$kind" -T fields -e frame.number 2>/dev/null | sort -un >"$WORK/got"
    check "$name: frames with $kind" same "$WORK/want" "$WORK/got"
done
# The expert items of error severity: a stanza's decode errors, a payload that does not inflate,
# a malformed end-to-end envelope or Message.
errors_re='funxmpp\.(malformed\.|decompression_failed|e2e\.malformed|e2e\.bad_message)'
grep -E $'\t'"$errors_re" "$dir/$name.expert" | cut -f1 | sort -un >"$WORK/want"
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -Y '_ws.expert.severity >= 0x00800000' -T fields -e frame.number 2>/dev/null | sort -un >"$WORK/got"
check "$name: no other frame has an error" same "$WORK/want" "$WORK/got"

# A pass that shows nothing but listens to expert items (tshark -q -z expert) still gets
# every decode error.
errors_want=$(grep -cE $'\t'"$errors_re" "$dir/$name.expert")
errors_got=$(run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -q -z expert 2>/dev/null |
    awk '/^[A-Z][a-z]+ \([0-9]+\)$/ { errors = ($1 == "Errors") } errors && $3 == "FunXMPP" { n += $1 } END { print n + 0 }')
check "$name: -q -z expert lists the $errors_want decode errors" test "$errors_got" = "$errors_want"

# Decryption: every frame the generator encrypted for a password (or key log) the analyst has
# decrypts with a valid MAC (or AES-GCM tag): one line per frame, in the packet that completes it.
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -Y 'funxmpp.mac.valid || funxmpp.noise.tag_valid' -T fields \
    -E "aggregator=$sep" -e frame.number -e funxmpp.mac.valid -e funxmpp.noise.tag_valid 2>/dev/null |
    awk -F '\t' -v sep="$sep" '{ for (f = 2; f <= 3; f++) { n = split($f, v, sep); for (i = 1; i <= n; i++) if (v[i] == "1" || v[i] == "True") print $1 } }' \
    >"$WORK/decrypted"
check "$name: frames decrypted with a valid MAC" same "$dir/$name.decrypted" "$WORK/decrypted"

# The decoded-stream view prints every connection's frames as the generator wrote them.
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -q -z funxmpp,xml 2>/dev/null >"$WORK/stream"
check "$name: tshark -z funxmpp,xml" same "$dir/$name.stream" "$WORK/stream"

# Statistics: stanzas by tag as the expected XML counts them, decrypted frames as expected.
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -q -z funxmpp,tree 2>/dev/null >"$WORK/stats"
stat_section() {  # the "item count" lines under a top-level node of the stats tree
    awk -v node="$1" '$0 ~ "^" node "  " { on = 1; next } on && /^ [^ ]/ { print $1 "\t" $2; next } { on = 0 }' "$WORK/stats" | sort
}
cut -f2 "$dir/$name.xml" | sed -E 's#^<(/?stream:stream|[^ />]+).*#\1#; s#^/##' | sort | uniq -c |
    awk '{ print $2 "\t" $1 }' | sort >"$WORK/tags.want"
stat_section "Stanzas by tag" >"$WORK/tags.got"
check "$name: -z funxmpp,tree stanzas by tag" same "$WORK/tags.want" "$WORK/tags.got"
decrypted_want=$(wc -l <"$dir/$name.decrypted")
decrypted_got=$(awk '/^  decrypted / { print $2 }' "$WORK/stats")
check "$name: -z funxmpp,tree decrypted frames ($decrypted_want)" test "${decrypted_got:-0}" = "$decrypted_want"

# The successor protocol (a CAPTURE.noise file): every handshake field, counter and Info text
# the generator wrote, in the packet that completes each unit, in one pass and in two.
if [ -s "$dir/$name.noise" ]; then
    mapfile -t noise_fields < <(cut -f2 "$dir/$name.noise" | grep -vx '_ws.col.Info' | sort -u)
    noise_view() {  # extra tshark options...
        local args=()
        for f in "${noise_fields[@]}"; do args+=(-e "$f"); done
        run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -Y funxmpp -T fields -E occurrence=a -E "aggregator=$sep" \
            -e frame.number "${args[@]}" 2>/dev/null |
            awk -F '\t' -v sep="$sep" -v names="${noise_fields[*]}" '
                BEGIN { n = split(names, name, " ") }
                { for (i = 2; i <= NF; i++) { k = split($i, v, sep); for (j = 1; j <= k; j++) if (v[j] != "") {
                      # (booleans print as 1/0 up to 4.2, True/False since 4.4)
                      if (v[j] == "True") v[j] = "1"; else if (v[j] == "False") v[j] = "0"
                      print $1 "\t" name[i - 1] "\t" v[j] } } }'
        # Info where the generator words it (not where a decrypted stanza's summary is).
        info_column -r "$pcap" ${opts[@]+"${opts[@]}"} "$@" -Y funxmpp 2>/dev/null |
            awk -F '\t' 'NR == FNR { if ($2 == "_ws.col.Info") worded[$1] = 1; next } worded[$1] { print $1 "\t_ws.col.Info\t" $2 }' \
                "$dir/$name.noise" -
    }
    order() { sort -s -t "$(printf '\t')" -k1,1n -k2,2; }
    order <"$dir/$name.noise" >"$WORK/noise.want"
    noise_view | order >"$WORK/noise.1pass"
    check "$name: successor handshake fields, counters and Info" same "$WORK/noise.want" "$WORK/noise.1pass"
    noise_view -2 | order >"$WORK/noise.2pass"
    check "$name: successor fields in two passes" same "$WORK/noise.want" "$WORK/noise.2pass"
fi

# Registration requests and answers: the summary the script expects, in the Info column.
info_column -r "$pcap" ${opts[@]+"${opts[@]}"} -Y wareg 2>/dev/null >"$WORK/wareg"
check "$name: registration API summaries" same "$dir/$name.wareg" "$WORK/wareg"

# A display filter on a field finds the stanzas it names.
grep -P '\t<message[ >]' "$dir/$name.xml" | cut -f2 >"$WORK/messages.want"
run_tshark -r "$pcap" ${opts[@]+"${opts[@]}"} -Y 'funxmpp.tag == "message"' -T fields -E "aggregator=$sep" -e funxmpp.xml 2>/dev/null |
    tr "$sep" '\n' | grep '^<message[ >]' >"$WORK/messages.got"
check "$name: filter funxmpp.tag == \"message\"" same "$WORK/messages.want" "$WORK/messages.got"
if [[ " ${opts[*]-} " == *" -d "* ]]; then
    check "$name: nothing decoded without ${opts[*]}" \
        test "$(run_tshark -r "$pcap" -Y funxmpp 2>/dev/null | wc -l)" = 0
fi
finish
