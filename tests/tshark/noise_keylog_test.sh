#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Noise key log as users meet it: lines of other labels (a TLS key log's, in a file that
# serves both preferences) are skipped without a word; WA_ lines that do not parse are reported
# in one warning per read (how many, the first line) and the others still decrypt, in one pass
# and in two; a key log that is not
# there, or is not text, decrypts nothing and crashes nothing; a frame without a key says why;
# a segment lost inside a frame loses its direction there, not the rest of the capture.
# usage: noise_keylog_test.sh PLUGIN_DIR CAPTURES_DIR
set -u
PLUGIN_DIR=$1 dir=$2
. "$(dirname "$0")/tshark_env.sh"
name=noise63-decrypt-client
pcap=$(stage "$dir/$name.pcap")
sep=$'\x1f'
xml() {  # key log, tshark options...
    local keys=$1
    shift
    run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$keys" "$@" -Y funxmpp.xml -T fields -E "aggregator=$sep" \
        -e frame.number -e funxmpp.xml | awk -F '\t' -v sep="$sep" '{ n = split($2, v, sep); for (i = 1; i <= n; i++) print $1 "\t" v[i] }'
}

made=$(mktemp -d)
trap 'rm -rf "$made"' EXIT
# A TLS key log's lines (TLS 1.2 and 1.3), 20,000 of them, then three WA_ lines that do not
# parse (lines 20,003 to 20,005), then the secrets.
rnd=$(printf '%064d' 7)
{
    echo "# SSL/TLS secrets log file"
    for i in $(seq 1 5000); do
        echo "CLIENT_RANDOM $rnd $rnd$rnd"
        echo "CLIENT_HANDSHAKE_TRAFFIC_SECRET $rnd $rnd"
        echo "SERVER_TRAFFIC_SECRET_0 $rnd $rnd"
        echo "EXPORTER_SECRET $rnd $rnd"
    done
    echo "this is not a key log line"
    echo "WA_NOISE_CLIENT nothex"
    echo "WA_SIGNAL_KEY $rnd $rnd"
    echo "WA_NOISE_SERVER $rnd $rnd $rnd"
    cat "$dir/$name.keylog"
} >"$made/keys.txt"
keys=$(stage "$made/keys.txt")
xml "$keys" 2>"$WORK/stderr" >"$WORK/got"
check "bad lines: the other lines still decrypt every stanza" same "$dir/$name.xml" "$WORK/got"
check "bad WA_ lines: one warning, how many and the first" \
    test "$(grep -c 'noise_keylog.*: 3 WA_ lines that do not parse (the first: line 20003)' "$WORK/stderr")" = 1
check "a TLS key log's lines: not a word about them" test "$(grep -c 'noise_keylog' "$WORK/stderr")" = 1
xml "$keys" -2 2>"$WORK/stderr.2" >"$WORK/got.2"
check "two passes: the same stanzas" same "$dir/$name.xml" "$WORK/got.2"
check "two passes: the bad lines reported once" test "$(grep -c 'noise_keylog' "$WORK/stderr.2")" = 1

xml /nonexistent/keys.txt 2>"$WORK/stderr" >"$WORK/got"
check "a key log that is not there: nothing decrypted" test ! -s "$WORK/got"
check "a key log that is not there: said once" test "$(grep -c 'noise_keylog /nonexistent/keys.txt: cannot be read' "$WORK/stderr")" = 1

# Frames without a key say why, in their expert item.
why() {  # tshark options...: the distinct reasons given
    run_tshark -r "$pcap" "$@" -Y funxmpp.noise.encrypted -T fields -E "aggregator=$sep" -e _ws.expert.message 2>/dev/null |
        tr "$sep" '\n' |
        sed -n 's/^Encrypted transport frame, no key: //p' | sort -u
}
check "no key log: every frame says so" \
    test "$(why)" = "no key log (preference funxmpp.noise_keylog)"
check "a key log that is not there: every frame says so" \
    test "$(why -o funxmpp.noise_keylog:/nonexistent/keys.txt)" = "the key log file cannot be read"
printf 'WA_NOISE_TRANSPORT - %064d %064d\n' 1 2 >"$made/other.txt"
check "keys of other connections only: every frame says none names this one" \
    test "$(why -o "funxmpp.noise_keylog:$(stage "$made/other.txt")")" = \
         "no key log line names the connection's ephemeral key, and no WA_NOISE_TRANSPORT - line opens its first frames"
# The right ephemeral keys with a wrong static private key: the handshake does not open.
awk '{ $4 = sprintf("%064d", 7); print }' "$dir/$name.keylog" >"$made/wrong-static.txt"
check "a WA_NOISE_CLIENT line that does not open the handshake: every frame says so" \
    test "$(why -o "funxmpp.noise_keylog:$(stage "$made/wrong-static.txt")")" = \
         "the key log's WA_NOISE_CLIENT line did not open the handshake"
check "a WA_NOISE_CLIENT line that does not open the handshake: nothing decrypted" \
    test -z "$(xml "$(stage "$made/wrong-static.txt")" 2>/dev/null)"
# An IK connection (a mobile app's) named by a WA_NOISE_CLIENT line: that line cannot open it.
awk '{ print "WA_NOISE_CLIENT", $2, $3, $4 }' "$dir/noise52-decrypt-ik.keylog" >"$made/ik-client.txt"
check "an IK connection with a WA_NOISE_CLIENT line only: every frame says it needs WA_NOISE_TRANSPORT" \
    test "$(pcap=$(stage "$dir/noise52-decrypt-ik.pcap") why -o "funxmpp.noise_keylog:$(stage "$made/ik-client.txt")")" = \
         "a WA_NOISE_CLIENT line runs the XX handshake only: this connection needs a WA_NOISE_TRANSPORT line"
# A lost segment that ends inside a frame: what follows starts mid-frame, and its first bytes
# read as a length can claim megabytes. The direction is marked lost there (not swallowed by a
# reassembly that never ends); every other stanza still decrypts. Packet 14 holds the first
# bytes of the client's <message> frame, packet 15 the rest of it and the next frame.
editcap "$dir/$name.pcap" "$made/cut.pcap" 14
cut=$(stage "$made/cut.pcap")
check "a segment lost inside a frame: the direction marked lost where it resumes" \
    test "$(run_tshark -r "$cut" -o "funxmpp.noise_keylog:$(stage "$dir/$name.keylog")" -Y funxmpp.noise.lost \
            -T fields -e frame.number 2>/dev/null)" = 14
awk -F '\t' '$1 != 15 { print ($1 > 15 ? $1 - 1 : $1) "\t" $2 }' "$dir/$name.xml" >"$WORK/want.cut"
pcap=$cut xml "$(stage "$dir/$name.keylog")" >"$WORK/got.cut" 2>/dev/null
check "a segment lost inside a frame: every other stanza still decrypts" same "$WORK/want.cut" "$WORK/got.cut"

head -c 3000 "$dir/$name.pcap" >"$made/junk.txt"
junk=$(stage "$made/junk.txt")
run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$junk" -V >/dev/null 2>&1
check "a key log of binary junk: tshark exits 0" test $? = 0
check "a key log of binary junk: nothing decrypted" test -z "$(xml "$junk" 2>/dev/null)"
finish
