#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a user of tools/funxmpp-decode checks: the output for known inputs, the exit status,
# and positioned errors on stderr.
# usage: cli_test.sh DECODER
set -u
decoder=$1
fails=0; passes=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() {  # name, expected stdout, expected status, expected stderr pattern ('' = empty), command...
    local name=$1 want_out=$2 want_rc=$3 want_err=$4; shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    local ok=1
    [ "$(cat "$tmp/out")" = "$want_out" ] || { ok=0; echo "  stdout: $(cat "$tmp/out")"; echo "  wanted: $want_out"; }
    [ "$rc" = "$want_rc" ] || { ok=0; echo "  exit status $rc, wanted $want_rc"; }
    if [ -z "$want_err" ]; then
        [ ! -s "$tmp/err" ] || { ok=0; echo "  unexpected stderr: $(cat "$tmp/err")"; }
    else
        grep -Eq "$want_err" "$tmp/err" || { ok=0; echo "  stderr '$(cat "$tmp/err")' lacks /$want_err/"; }
    fi
    if [ $ok = 1 ]; then passes=$((passes + 1)); echo "ok   $name"; else fails=$((fails + 1)); echo "FAIL $name"; fi
}

# The issue's example: a real 2015 Android stream start, hex on standard input.
check "android stream start (stdin)" '<stream:stream to="s.whatsapp.net" resource="Android-2.12.84">' 0 '' \
    sh -c "echo 57410105000017f80501a59189fc0f416e64726f69642d322e31322e3834 | '$decoder'"

# The same as an argument with spaces, and as a binary file.
check "hex arguments" '<stream:stream to="s.whatsapp.net" resource="Android-2.12.84">' 0 '' \
    "$decoder" 57 41 01 05 00 00 17 f8 05 01 a5 91 89 fc 0f 41 6e 64 72 6f 69 64 2d 32 2e 31 32 2e 38 34
printf 'WA\001\005\000\000\027\370\005\001\245\221\211\374\017Android-2.12.84' >"$tmp/in.bin"
check "binary file" '<stream:stream to="s.whatsapp.net" resource="Android-2.12.84">' 0 '' \
    "$decoder" --binary "$tmp/in.bin"

# WA 1.0 login of spec 8.1: version from the prologue, 2-byte headers.
check "wa 1.0 login" '<stream:stream to="s.whatsapp.net" resource="iPhone-2.6.7-5222">
<stream:features><receipt_acks/></stream:features>
<auth mechanism="DIGEST-MD5-1" xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>' 0 '' \
    "$decoder" 5741010000 19F8 0501A08A84FC116950686F6E652D322E362E372D35323232 0008F80296F801F8017E 0007F8050F5A2ABDA7

# A single node with --version, and the default (1.5) when nothing says otherwise.
check "node, version 1.6" '<presence type="available" name="Test"/>' 0 '' \
    "$decoder" --version 1.6 F8 05 81 B5 0F 67 FC 04 54 65 73 74
check "node, default 1.5" '<iq id="1431364583-1"/>' 0 '' "$decoder" F8 03 4A 44 FF 06 14 31 36 45 83 A1
check "pretty" '<iq id="1">
  <ping/>
</iq>' 0 '' "$decoder" --pretty --version 1.6 F8 04 50 4A FF 81 1F F8 01 F8 01 7D

# Frames without prologue: a keep-alive prints nothing; an encrypted frame is reported.
check "frames with keep-alive" '<iq id="1"/>' 0 '' "$decoder" --frames 000001 00 000007 F8034A44FF811F
check "encrypted frame reported" '<iq id="1"/>' 0 'offset 0: encrypted frame \(flags 0x8\), 3 bytes' \
    "$decoder" --frames 800003aabbcc 000007 F8034A44FF811F

# Malformed: what decoded before is printed, the error is positioned, the status is 1.
check "unknown token" '<iq id="1"/>' 1 'offset 15: unknown token 0xec 0xff for WA 1.5' \
    "$decoder" --frames 000007 F8034A44FF811F 000004 F801ECFF
check "truncated frame" '<iq id="1"/>' 1 'offset 10: truncated frame: needs 8 bytes, 5 left' \
    "$decoder" --frames 000007 F8034A44FF811F 000005 F801
check "successor prologue" '' 1 'successor protocol' "$decoder" 45440001000010
check "unknown version" '' 1 'WA 1.3, not a known FunXMPP version' "$decoder" 57410103
check "bad hex" '' 2 'not hex' "$decoder" F8 0Z
check "bad version" '' 2 "unknown protocol version '2.1'" "$decoder" --version 2.1 F8 01 4A

# The successor's node format (SUCCESSOR 2.6): a node, and decrypted transport frames (3-byte
# length, flags byte; 0x02 = zlib) with dictionary v3; the same bytes mean other tokens in v2.
check "md node, dictionary v3" '<iq id="1" type="get" xmlns="w:p" to="s.whatsapp.net"><ping/></iq>' 0 '' \
    "$decoder" --version 6.3 --node f80a190855042916571103f801f80156
zlib_iq=$(printf '\370\007\031\006\003\010\125\004\024' | python3 -c 'import sys,zlib; sys.stdout.write(zlib.compress(sys.stdin.buffer.read()).hex())')
frame() { printf '%06x02%s' $((${#1} / 2 + 1)) "$1"; }
check "md transport frames, plain and zlib" '<iq id="1" type="get" xmlns="w:p" to="s.whatsapp.net"><ping/></iq>
<iq from="s.whatsapp.net" id="1" type="result"/>' 0 '' \
    "$decoder" --version 6.3 --frames 00001100f80a190855042916571103f801f80156 "$(frame "$zlib_iq")"
check "md node, dictionary v2" '<xmlns id="download" type="verified_name" enc="props" class="s.whatsapp.net"><delivery/></xmlns>' 0 '' \
    "$decoder" --version 6.2 --node f80a190855042916571103f801f80156
check "md unknown frame flags" '' 1 'unknown frame flags 0x80' "$decoder" --version 5.2 --frames 00000280f8

echo "$passes passed, $fails failed"
[ $fails = 0 ]
