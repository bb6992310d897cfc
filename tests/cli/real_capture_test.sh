#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The decode CLI on a real capture (not part of the repository): the plaintext frames of both
# directions of the FunXMPP stream decode with no error up to the encrypted frames, which are
# reported as encrypted. Exits 77 (skipped) when the capture or tshark is absent.
# usage: real_capture_test.sh DECODER CAPTURE
set -u
decoder=$1 cap=$2
if [ ! -r "$cap" ] || ! command -v tshark >/dev/null; then
    echo "skipped: needs $cap (not distributed; cmake -DFUNXMPP_REAL_CAPTURES=DIR) and tshark (tools/setup-debian.sh)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"  # tshark as root warns; nothing else is written

stream=$(tshark -r "$cap" -Y 'tcp.port == 5222 && tcp.len > 0' -T fields -e tcp.stream 2>/dev/null | head -n 1)
tshark -r "$cap" -q -z "follow,tcp,raw,$stream" 2>/dev/null |
    awk '/^Node 1:/ {go=1; next} /^=+$/ {go=0} go && NF' >follow.txt
grep -v $'^\t' follow.txt | tr -d '\n' >client.hex
grep $'^\t' follow.txt | tr -d '\t\n' >server.hex

fails=0
expect() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

"$decoder" <client.hex >client.xml 2>client.err; crc=$?
"$decoder" --frames --version 1.5 <server.hex >server.xml 2>server.err; src=$?
expect "client stream decodes (status 0)" '[ $crc = 0 ]'
expect "server stream decodes (status 0)" '[ $src = 0 ]'
expect "client: stream start, features, auth" \
    '[ "$(sed -E "s/^<([a-z:]+).*/\1/" client.xml | tr "\n" " ")" = "stream:stream stream:features auth " ]'
expect "client: WAUTH-2 fast login" 'grep -q "^<auth mechanism=\"WAUTH-2\" user=\"[0-9]*\">[0-9a-f]*</auth>$" client.xml'
expect "server: stream start and features" \
    '[ "$(cat server.xml)" = "$(printf "<stream:stream from=\"s.whatsapp.net\">\n<stream:features/>")" ]'
expect "encrypted frames reported, nothing else on stderr" \
    '[ -s client.err ] && [ -s server.err ] && ! grep -v "encrypted frame (flags 0x8)" client.err server.err'
echo "$(( 6 - fails )) passed, $fails failed"
[ $fails = 0 ]
