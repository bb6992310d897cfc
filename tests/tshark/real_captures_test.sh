#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark with the plugin on the real public captures in ../shared/captures/real (not part of
# the repository; skipped when absent). What a user checks: the plaintext login stanzas of
# the 2015 WA 1.5 session decode, its encrypted frames are labelled as such and never parsed,
# no expert error, TLS on 443 untouched, and the Noise-era successor stream not taken for FunXMPP.
# usage: real_captures_test.sh PLUGIN_DIR REAL_CAPTURES_DIR
set -u
PLUGIN_DIR=$1 real=$2
wa15=$real/funxmpp-wa15-2015-05-25-login-chat.pcap
noise=$real/noise-mobile-wa52-2022-06-12-clientonly.pcap
if [ ! -r "$wa15" ] || [ ! -r "$noise" ]; then
    echo "skipped: the real captures are not in $real"; exit 77
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

# --- the successor protocol ---
check "successor stream: no packet decoded as FunXMPP" test "$(run_tshark -r "$noise" -Y funxmpp 2>/dev/null | wc -l)" = 0
run_tshark -r "$noise" -T fields -e frame.protocols 2>/dev/null >"$WORK/with"
run_tshark -r "$noise" --disable-protocol funxmpp -T fields -e frame.protocols 2>/dev/null >"$WORK/without"
check "successor stream: dissected exactly as without the plugin" same "$WORK/without" "$WORK/with"
finish
