#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The WhatsApp Web console snippet (tools/whatsapp-web-keylog.js), replayed in Node's WebCrypto
# (replay-webcrypto.mjs): from the importKey calls of one connection it prints one
# `WA_NOISE_TRANSPORT -` line, and with that line as the key log the dissector decrypts every
# stanza of the generated WebSocket capture whose keys were replayed, in one pass and two.
# usage: whatsapp_web_snippet_test.sh PLUGIN_DIR CAPTURES_DIR
set -u
PLUGIN_DIR=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tshark/tshark_env.sh"
name=noise62-decrypt-websocket
read -r _ _ c2s s2c <"$dir/$name.keylog"
. "$top/tools/node-env.sh"
if [ -n "$NODE_PROBLEM" ]; then
    echo "FAIL the replay of the snippet's WebCrypto calls $NODE_PROBLEM"; exit 1
fi

node "$here/replay-webcrypto.mjs" "$top/tools/whatsapp-web-keylog.js" "$c2s" "$s2c" >"$WORK/printed" 2>"$WORK/stderr"
check "the replay ran (the keys the hook hands back work)" test $? = 0
grep '^WA_NOISE_TRANSPORT' "$WORK/printed" >"$WORK/snippet.keys"
check "one line per connection, the '-' form, sending key first" \
    same <(echo "WA_NOISE_TRANSPORT - $c2s $s2c") "$WORK/snippet.keys"
check "pasted twice, installed once" grep -q 'already installed' "$WORK/printed"

sep=$'\x1f'
xml() {  # tshark options...
    run_tshark -r "$(stage "$dir/$name.pcap")" -o "funxmpp.noise_keylog:$WORK/snippet.keys" "$@" -Y funxmpp.xml -T fields \
        -E "aggregator=$sep" -e frame.number -e funxmpp.xml |
        awk -F '\t' -v sep="$sep" '{ n = split($2, v, sep); for (i = 1; i <= n; i++) print $1 "\t" v[i] }'
}
chmod 644 "$WORK/snippet.keys"
xml >"$WORK/got" 2>/dev/null
check "the snippet's line decrypts every stanza" same "$dir/$name.xml" "$WORK/got"
xml -2 >"$WORK/got.2" 2>/dev/null
check "two passes: the same stanzas" same "$dir/$name.xml" "$WORK/got.2"
finish
