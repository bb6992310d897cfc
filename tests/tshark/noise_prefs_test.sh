#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Successor streams under the settings and captures users have that the golden tests do not
# use: TCP handing over retransmissions (sequence analysis off), TCP reassembly off, and a
# capture cut to a snapshot length. Each must show the same in one pass and in two, and every
# frame must keep the role and counter it has in the full capture with default settings
# (known from the frame's header even where its bytes are not all there).
# usage: noise_prefs_test.sh PLUGIN_DIR CAPTURES_DIR
set -u
PLUGIN_DIR=$1 dir=$2
. "$(dirname "$0")/tshark_env.sh"
sep=$'\x1f'
name=noise63-xx-tcp
pcap=$(stage "$dir/$name.pcap")

# "<direction>\t<message or counter>" per frame, in stream order (packet numbers left out:
# without reassembly a frame shows where it begins, not where it ends).
roles() {  # capture, tshark options...
    local file=$1
    shift
    run_tshark -r "$file" "$@" -Y funxmpp -T fields -E occurrence=a -E "aggregator=$sep" -e frame.number -e tcp.srcport \
        -e funxmpp.noise.message -e funxmpp.noise.counter 2>/dev/null |
        awk -F '\t' -v sep="$sep" '{ n = split($3, m, sep); for (i = 1; i <= n; i++) if (m[i] != "") print $2 "\t" m[i]
                                     n = split($4, c, sep); for (i = 1; i <= n; i++) if (c[i] != "") print $2 "\t#" c[i] }'
}
view() {  # capture, tshark options...: everything a visit shows of ours
    local file=$1
    shift
    run_tshark -r "$file" "$@" -T fields -E occurrence=a -E "aggregator=$sep" -e frame.number -e funxmpp.noise.message \
        -e funxmpp.noise.counter -e funxmpp.noise.pattern -e _ws.expert.message 2>/dev/null
}
roles "$pcap" | sort -s -t "$(printf '\t')" -k1,1 >"$WORK/roles.want"
check "$name: frames with roles and counters" test -s "$WORK/roles.want"

for variant in "-o tcp.analyze_sequence_numbers:FALSE" "-o tcp.desegment_tcp_streams:FALSE"; do
    read -r -a o <<<"$variant"
    view "$pcap" "${o[@]}" >"$WORK/one"
    view "$pcap" "${o[@]}" -2 >"$WORK/two"
    check "${o[1]}: one pass and two passes show the same" same "$WORK/one" "$WORK/two"
    # A retransmission (handed over again) shows its frame again, as it was.
    roles "$pcap" "${o[@]}" | awk '!seen[$0]++' | sort -s -t "$(printf '\t')" -k1,1 >"$WORK/roles.got"
    check "${o[1]}: every frame keeps its role and counter" same "$WORK/roles.want" "$WORK/roles.got"
done

cut=$WORK/cut.pcap
editcap -s 120 "$pcap" "$cut" >/dev/null 2>&1 && chmod a+r "$cut"
view "$cut" >"$WORK/one"
view "$cut" -2 >"$WORK/two"
check "snapshot length 120: one pass and two passes show the same" same "$WORK/one" "$WORK/two"
# Frames whose header the capture cut off are not there to show; every other one is shown
# with its role and counter (cut short or not), none with another.
roles "$cut" | awk '!seen[$0]++' | sort -s -t "$(printf '\t')" -k1,1 >"$WORK/roles.got"
check "snapshot length 120: frames still shown" test "$(wc -l <"$WORK/roles.got")" -ge "$(($(wc -l <"$WORK/roles.want") - 2))"
check "snapshot length 120: each with its role and counter" \
    test -z "$(comm -13 <(sort "$WORK/roles.want") <(sort "$WORK/roles.got"))"
check "snapshot length 120: frames cut short are said to be" \
    test "$(run_tshark -r "$cut" -Y '_ws.expert.message contains "cut short"' 2>/dev/null | wc -l)" -gt 0
finish
