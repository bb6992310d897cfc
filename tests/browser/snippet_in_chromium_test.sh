#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The WhatsApp Web console snippet (tools/whatsapp-web-keylog.js) in a real browser: headless
# Chromium, driven over the DevTools protocol by chromium-console.mjs, which pastes the snippet
# twice as the console does and makes WhatsApp Web's WebCrypto calls (whatsapp-web-calls.js).
# Checked against node:crypto and sha256sum, not against the snippet's own arithmetic:
# - one WA_NOISE_TRANSPORT - line for the transport keys of a generated capture's connection;
# - one WA_SIGNAL_KEY line per AES-256-CBC call that succeeded: an encryption with random
#   keys, and the decryption of every Signal payload of a generated capture (the ciphertexts
#   as the dissector shows them, the key and IV from its key log), whose lines must be the key
#   log's own; nothing for the calls that must print nothing;
# - the keys the hooks hand back still work, nothing is thrown into the page, and
#   copy(waKeyLog.join('\n')) copies the printed lines;
# - the dissector, given the printed WA_SIGNAL_KEY lines instead of the capture's own, shows
#   the same decrypted messages.
# usage: snippet_in_chromium_test.sh PLUGIN_DIR CAPTURES_DIR   (CHROMIUM: another browser binary)
set -u
# shellcheck disable=SC2034  # PLUGIN_DIR: read by tshark_env.sh
PLUGIN_DIR=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tshark/tshark_env.sh"
. "$top/tools/node-env.sh"
if [ -n "$NODE_PROBLEM" ]; then
    echo "FAIL the DevTools client for Chromium $NODE_PROBLEM"; exit 1
fi
chromium=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium" ]; then
    echo "FAIL needs Chromium (Debian: apt-get install chromium; tools/setup-debian.sh installs it)"; exit 1
fi
hex_of() { xxd -p | tr -d '\n'; }
random_hex() { head -c "$1" /dev/urandom | hex_of; }
sha256_of() { sha256sum | cut -c1-64; }
aes() {  # cbc-encrypt|cbc-decrypt|gcm-encrypt KEY IV DATA (hex): the output in hex; status 1 on a bad padding
    node -e 'const [op, key, iv, data] = process.argv.slice(1).map((a, i) => (i ? Buffer.from(a, "hex") : a))
        const c = require("node:crypto")[op.endsWith("decrypt") ? "createDecipheriv" : "createCipheriv"](
            op.startsWith("gcm") ? "aes-256-gcm" : "aes-256-cbc", key, iv)
        try { console.log(Buffer.concat([c.update(data), c.final(), op.startsWith("gcm") ? c.getAuthTag() : Buffer.alloc(0)]).toString("hex")) }
        catch { process.exit(1) }' "$@"
}

# The Noise keys of a generated WebSocket capture, as the existing replay test uses them.
read -r _ _ c2s s2c <"$dir/noise62-decrypt-websocket.keylog"
gcm_iv=$(random_hex 12) gcm_plain=$(printf 'stanza' | hex_of)
# A Signal encryption with fresh keys (the length not a multiple of 16: the padding is PKCS#7).
key=$(random_hex 32) iv=$(random_hex 16) plain=$(random_hex 37)
# The Signal payloads of a generated capture: each ciphertext as the dissector shows it, with
# the key and IV of the key log line named by its SHA-256 (one line there fails the padding).
e2e=noise63-decrypt-e2e
run_tshark -r "$(stage "$dir/$e2e.pcap")" -o "funxmpp.noise_keylog:$(stage "$dir/$e2e.keylog")" \
    -Y funxmpp.e2e.ciphertext -T fields -E aggregator=' ' -e funxmpp.e2e.ciphertext 2>/dev/null |
    tr ' ' '\n' | grep . >"$WORK/ciphertexts"
: >"$WORK/payloads"
while read -r c; do
    sha=$(printf '%s' "$c" | xxd -r -p | sha256_of)
    line=$(grep -m1 "^WA_SIGNAL_KEY $sha " "$dir/$e2e.keylog") || continue  # a payload without a key
    read -r _ _ k v <<<"$line"
    echo "$c $k $v" >>"$WORK/payloads"
done <"$WORK/ciphertexts"

decrypt_json=$(awk '{ printf "%s{\"ciphertext\":\"%s\",\"key\":\"%s\",\"iv\":\"%s\"}", (NR > 1 ? "," : ""), $1, $2, $3 }' "$WORK/payloads")
cat >"$WORK/input.json" <<EOF
{"c2s":"$c2s","s2c":"$s2c","gcm":{"iv":"$gcm_iv","plaintext":"$gcm_plain"},
 "encrypt":{"key":"$key","iv":"$iv","plaintext":"$plain"},"decrypt":[$decrypt_json]}
EOF

# What the page must print and get back, computed here with node:crypto and sha256sum.
echo "WA_NOISE_TRANSPORT - $c2s $s2c" >"$WORK/expected.noise"
encrypted=$(aes cbc-encrypt "$key" "$iv" "$plain")
: >"$WORK/expected.decrypted"
: >"$WORK/expected.payload-lines"
while read -r c k v; do
    if aes cbc-decrypt "$k" "$v" "$c" >>"$WORK/expected.decrypted"; then
        echo "WA_SIGNAL_KEY $(printf '%s' "$c" | xxd -r -p | sha256_of) $k $v" >>"$WORK/expected.payload-lines"
    else
        echo null >>"$WORK/expected.decrypted"  # and no line: a failed decrypt prints nothing
    fi
done <"$WORK/payloads"
check "the capture's payloads that decrypt: found, their lines are in its key log" \
    bash -c '[ -s "$1" ] && ! grep -vxFf "$2" "$1"' _ "$WORK/expected.payload-lines" "$dir/$e2e.keylog"
{ echo "WA_SIGNAL_KEY $(printf '%s' "$encrypted" | xxd -r -p | sha256_of) $key $iv"; cat "$WORK/expected.payload-lines"; } |
    sort >"$WORK/expected.signal"
{
    echo "secure true"
    echo "receiving decrypt"
    echo "gcm $(aes gcm-encrypt "$c2s" "$gcm_iv" "$gcm_plain")"
    echo "cbc $encrypted"
    sed 's/^/decrypted /' "$WORK/expected.decrypted"
    echo "import_rejected true"
} >"$WORK/expected.results"

mkdir -p "$WORK/out"
started=$(date +%s%N)
node "$here/chromium-console.mjs" "$chromium" "$WORK/profile" "$WORK/out" "$top/tools/whatsapp-web-keylog.js" \
    "$here/whatsapp-web-calls.js" "$WORK/input.json" 2>"$WORK/chromium.stderr"
status=$?
echo "     (Chromium: $(( ($(date +%s%N) - started) / 1000000 )) ms)"
check "headless Chromium ran the page" test $status = 0
[ $status = 0 ] || { tail -25 "$WORK/chromium.stderr"; finish; exit 1; }
out=$WORK/out

check "pasted twice, installed once" \
    same <(printf '%s\n' 'installed' 'already installed') <(sed -n 's/^FunXMPP key log: \(installed\|already installed\).*/\1/p' "$out/console.txt")
check "nothing thrown into the page, no warning from the snippet" \
    same /dev/null <(cat "$out/exceptions.txt"; grep -F 'FunXMPP key log:' "$out/console.txt" | grep -v 'installed')
grep '^WA_NOISE_TRANSPORT' "$out/console.txt" >"$WORK/printed.noise"
check "one WA_NOISE_TRANSPORT line, the '-' form, sending key first" same "$WORK/expected.noise" "$WORK/printed.noise"
grep '^WA_SIGNAL_KEY' "$out/console.txt" | sort >"$WORK/printed.signal"
check "one WA_SIGNAL_KEY line per AES-256-CBC call that succeeded, as computed here" \
    same "$WORK/expected.signal" "$WORK/printed.signal"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    console.log([`secure ${r.secure}`, `receiving ${r.receivingUsages}`, `gcm ${r.gcm}`, `cbc ${r.encrypted}`,
      ...r.decrypted.map((d) => `decrypted ${d}`), `import_rejected ${r.importRejected}`].join("\n"))' \
    "$out/result.json" >"$WORK/got.results"
check "the keys handed back work: results as node:crypto computes them" \
    same "$WORK/expected.results" "$WORK/got.results"
grep '^WA_' "$out/console.txt" >"$WORK/printed.all"
check "copy(waKeyLog.join('\\n')) copies the printed lines" same "$WORK/printed.all" "$out/copy.waKeyLog"
check "copy(waNoiseKeyLog.join('\\n')) too (the older name)" same "$WORK/printed.all" "$out/copy.waNoiseKeyLog"

# The dissector with the printed Signal lines in place of the capture's own.
{ grep '^WA_NOISE_CLIENT' "$dir/$e2e.keylog"; cat "$WORK/printed.signal"; } >"$WORK/browser.keylog"
chmod 644 "$WORK/browser.keylog"
messages() {  # key log
    run_tshark -r "$(stage "$dir/$e2e.pcap")" -o "funxmpp.noise_keylog:$1" -Y funxmpp.e2e.json \
        -T fields -e frame.number -e funxmpp.e2e.json 2>/dev/null
}
grep '^WA_NOISE_CLIENT' "$dir/$e2e.keylog" >"$WORK/noise-only.keylog"
chmod 644 "$WORK/noise-only.keylog"
messages "$WORK/noise-only.keylog" >"$WORK/messages.noise-only"
messages "$(stage "$dir/$e2e.keylog")" >"$WORK/messages.expected"
messages "$WORK/browser.keylog" >"$WORK/messages.got"
check "the capture's key log decrypts messages that its Noise line alone does not" \
    test "$(wc -l <"$WORK/messages.expected")" -gt "$(wc -l <"$WORK/messages.noise-only")"
check "the printed lines decrypt the same messages" same "$WORK/messages.expected" "$WORK/messages.got"
finish
