#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark with the plugin on the real public captures in ../shared/captures/real (not part of
# the repository; skipped when absent). What a user checks: the plaintext login stanzas of
# the 2015 WA 1.5 session decode, its encrypted frames are labelled as such and never parsed,
# no expert error, TLS on 443 untouched, and the Noise-era successor streams shown as such.
# usage: real_captures_test.sh PLUGIN_DIR REAL_CAPTURES_DIR
set -u
PLUGIN_DIR=$1 real=$2
wa15=$real/funxmpp-wa15-2015-05-25-login-chat.pcap
noise=$real/noise-mobile-wa52-2022-06-12-clientonly.pcap
if [ ! -r "$wa15" ] || [ ! -r "$noise" ]; then
    echo "skipped: the real captures are not in $real (they are not distributed; cmake -DFUNXMPP_REAL_CAPTURES=DIR names another folder)"; exit 77
fi
. "$(dirname "$0")/tshark_env.sh"
wa15=$(stage "$wa15")
noise=$(stage "$noise")
sep=$'\x1f'

# --- the WA 1.5 session ---
run_tshark -r "$wa15" -Y funxmpp -T fields -E "aggregator=$sep" -e ip.src -e funxmpp.xml 2>"$WORK/stderr" |
    awk -F '\t' -v sep="$sep" '$2 != "" { n = split($2, v, sep); for (i = 1; i <= n; i++) print $1 "\t" v[i] }' \
    >"$WORK/stanzas"
client=$(head -n 1 "$WORK/stanzas" | cut -f1)
grep -P "^$client\t" "$WORK/stanzas" | cut -f2 | sed -E 's/^<([a-z:]+).*/\1/' | tr '\n' ' ' >"$WORK/client_tags"
grep -vP "^$client\t" "$WORK/stanzas" | cut -f2 >"$WORK/server_xml"
check "client: stream start, features and auth as XML" \
    test "$(cat "$WORK/client_tags")" = "stream:stream stream:features auth "
check "client: the fast re-login carries its blob" grep -qP '\t<auth mechanism="WAUTH-2" user="\d+">[0-9a-f]{160}</auth>$' "$WORK/stanzas"
check "server: stream start and features as XML" \
    test "$(cat "$WORK/server_xml")" = "$(printf '<stream:stream from="s.whatsapp.net">\n<stream:features/>')"
check "nothing on stderr" test ! -s "$WORK/stderr"

# Encrypted frames: every frame whose header has the flag gets an "Encrypted payload" item.
run_tshark -r "$wa15" -Y funxmpp -T fields -E "aggregator=$sep" -e funxmpp.frame.encrypted -e funxmpp.encrypted_payload \
    2>/dev/null >"$WORK/enc"
flagged=$(cut -f1 "$WORK/enc" | tr "$sep" '\n' | grep -c -E '^(1|True)$')
labelled=$(cut -f2 "$WORK/enc" | tr "$sep" '\n' | grep -c .)
check "encrypted frames ($flagged) all labelled, none parsed" test "$flagged" -gt 0 -a "$flagged" = "$labelled"
# A packet holding only encrypted frames shows no element.
check "no tag comes from an encrypted frame" \
    test "$(run_tshark -r "$wa15" -Y 'funxmpp.frame.encrypted == 1 && funxmpp.tag && !(funxmpp.frame.encrypted == 0)' 2>/dev/null | wc -l)" = 0
# (The capture's TLS stream has a TCP reassembly error of its own, with or without the plugin.)
check "no expert error in FunXMPP packets" \
    test "$(run_tshark -r "$wa15" -Y 'funxmpp && _ws.expert.severity >= 0x00800000' 2>/dev/null | wc -l)" = 0

tls_with=$(run_tshark -r "$wa15" -Y tls 2>/dev/null | wc -l)
tls_without=$(run_tshark -r "$wa15" --disable-protocol funxmpp -Y tls 2>/dev/null | wc -l)
check "TLS packets unchanged ($tls_with with the plugin, $tls_without without)" test "$tls_with" = "$tls_without" -a "$tls_with" -gt 0

run_tshark -r "$wa15" -Y 'tcp.port == 443' -V 2>/dev/null >"$WORK/tls.with"
run_tshark -r "$wa15" -Y 'tcp.port == 443' -V --disable-protocol funxmpp 2>/dev/null >"$WORK/tls.without"
check "the TLS connection on 443 is dissected exactly as without the plugin" same "$WORK/tls.without" "$WORK/tls.with"
tls_12=$(run_tshark -r "$wa15" -o funxmpp.version:1.2 -Y tls 2>/dev/null | wc -l)
check "TLS packets unchanged with the WA 1.2 preference too ($tls_12)" test "$tls_12" = "$tls_without"

# --- the successor protocol (2022 mobile app, client direction only) ---
# Every connection: the routing prefix, the prologue WA 5.2 (MD dictionary 2), an IK ClientHello
# (ephemeral key in the clear, encrypted static key and payload), then transport frames with
# counters from 0; never a stanza, never an error.
connections=$(run_tshark -r "$noise" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | wc -l)
run_tshark -r "$noise" -Y funxmpp -T fields -E occurrence=a -E "aggregator=$sep" -e tcp.stream -e funxmpp.noise.routing_info \
    -e funxmpp.prologue -e funxmpp.noise.client_hello.ephemeral -e funxmpp.noise.client_hello.static \
    -e funxmpp.noise.client_hello.payload -e funxmpp.noise.pattern -e funxmpp.noise.counter 2>"$WORK/stderr" >"$WORK/noise"
count_streams() {  # column pattern [hex digits]: connections with a value in that column that matches
    awk -F '\t' -v c="$1" -v re="$2" -v n="${3:-0}" '$c ~ re && (n == 0 || length($c) == n) { s[$1] = 1 }
        END { k = 0; for (i in s) k++; print k }' "$WORK/noise"
}
check "successor: nothing on stderr" test ! -s "$WORK/stderr"
check "successor: $connections connections, each with a routing prefix" test "$(count_streams 2 '^[0-9a-f]+$')" = "$connections"
check "successor: each with the prologue WA 5.2" test "$(count_streams 3 '^57410502$')" = "$connections"
check "successor: each with a ClientHello ephemeral key of 32 bytes" test "$(count_streams 4 '^[0-9a-f]+$' 64)" = "$connections"
check "successor: each with an encrypted static key (48 bytes)" test "$(count_streams 5 '^[0-9a-f]+$' 96)" = "$connections"
check "successor: each with an encrypted payload" test "$(count_streams 6 '^[0-9a-f]+$')" = "$connections"
check "successor: each pattern IK" test "$(count_streams 7 '^IK$')" = "$connections"
check "successor: transport frames counted from 0" test "$(count_streams 8 '(^|'"$sep"')0($|'"$sep"')')" -gt 0
check "successor: version 5.2, dictionary 2" \
    test "$(run_tshark -r "$noise" -Y 'funxmpp.version == "5.2" && funxmpp.noise.dictionary == 2' 2>/dev/null | wc -l)" -gt 0
check "successor: no stanza invented from encrypted bytes" \
    test "$(run_tshark -r "$noise" -Y 'funxmpp.xml || funxmpp.tag' 2>/dev/null | wc -l)" = 0
check "successor: no expert error or warning" \
    test "$(run_tshark -r "$noise" -Y 'funxmpp && _ws.expert.severity >= 0x00600000' 2>/dev/null | wc -l)" = 0
run_tshark -r "$noise" -Y '!funxmpp' -T fields -e frame.number -e frame.protocols 2>/dev/null >"$WORK/with"
run_tshark -r "$noise" --disable-protocol funxmpp -T fields -e frame.number -e frame.protocols 2>/dev/null |
    awk -F '\t' 'NR == FNR { keep[$1] = 1; next } keep[$1]' "$WORK/with" - >"$WORK/without"
check "successor: packets not ours dissected as without the plugin" same "$WORK/without" "$WORK/with"
finish
