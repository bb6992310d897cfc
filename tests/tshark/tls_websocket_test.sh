#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The successor protocol in WebSocket inside TLS (wss, as WhatsApp Web speaks it): with the TLS
# key log, Wireshark decrypts TLS, its WebSocket dissector hands over the messages, and the
# plugin shows the same handshake fields and counters, in the same order, as in the plain-HTTP
# capture the session was replayed from (tools/make-wss-capture.py); without it, nothing.
# usage: tls_websocket_test.sh PLUGIN_DIR CAPTURES_DIR
set -u
PLUGIN_DIR=$1 captures=$2 dir=$2/tls
. "$(dirname "$0")/tshark_env.sh"
pcap=$(stage "$dir/noise-over-wss.pcapng")
keys=$(stage "$dir/noise-over-wss.keys")
sep=$'\x1f'

mapfile -t names < <(cut -f2 "$captures/noise62-xx-websocket.noise" | grep -vx '_ws.col.Info' | sort -u)
# Records and segments group the units into packets differently: each field's values are
# compared in the order of the stream.
by_field() { sort -s -t "$(printf '\t')" -k1,1n | cut -f2- | sort -s -t "$(printf '\t')" -k1,1; }
fields_in_order() {  # tshark options...: "<field>\t<value>" per value, field by field
    local args=()
    for f in "${names[@]}"; do args+=(-e "$f"); done
    run_tshark -r "$pcap" "$@" -Y funxmpp -T fields -E occurrence=a -E "aggregator=$sep" -e frame.number "${args[@]}" |
        awk -F '\t' -v sep="$sep" -v names="${names[*]}" '
            BEGIN { n = split(names, name, " ") }
            { for (i = 2; i <= NF; i++) { k = split($i, v, sep); for (j = 1; j <= k; j++) if (v[j] != "") print $1 "\t" name[i - 1] "\t" v[j] } }' |
        by_field
}
grep -v $'\t_ws.col.Info\t' "$captures/noise62-xx-websocket.noise" | by_field >"$WORK/want"
fields_in_order -o "tls.keylog_file:$keys" 2>"$WORK/stderr" >"$WORK/got"
check "wss: the plain capture's handshake fields and counters, in order" same "$WORK/want" "$WORK/got"
check "nothing on stderr" test ! -s "$WORK/stderr"
fields_in_order -o "tls.keylog_file:$keys" -2 2>/dev/null >"$WORK/got.2pass"
check "wss: the same in two passes" same "$WORK/want" "$WORK/got.2pass"
check "wss: every transport frame labelled encrypted" \
    test "$(run_tshark -r "$pcap" -o "tls.keylog_file:$keys" -Y funxmpp.noise.counter -T fields -E occurrence=a \
            -E "aggregator=$sep" -e funxmpp.noise.counter 2>/dev/null | tr "$sep" '\n' | wc -l)" = \
         "$(grep -c 'funxmpp.noise.encrypted' "$captures/noise62-xx-websocket.expert")"
check "wss: no expert error" \
    test "$(run_tshark -r "$pcap" -o "tls.keylog_file:$keys" -Y 'funxmpp && _ws.expert.severity >= 0x00800000' 2>/dev/null | wc -l)" = 0
check "without the TLS key log: nothing decoded" test "$(run_tshark -r "$pcap" -Y funxmpp 2>/dev/null | wc -l)" = 0
finish
