#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end layer as users meet it (DESIGN 2.8), on noise63-decrypt-e2e: the Info column
# says what each message that opens says, in one pass and two, with and without a tree;
# asked for end-to-end fields alone, the same values as with the whole tree; without the
# WA_SIGNAL_KEY lines the envelopes still show, field by field, and nothing is invented (no text, no JSON, a note on each payload); a channel's Message in the clear reads
# without any key. Over 50 payloads (generated here), every one found again in a second pass,
# from its start or from a packet in the middle.
# usage: e2e_test.sh PLUGIN_DIR CAPTURES_DIR CAPTURE_GEN
set -u
PLUGIN_DIR=$1 dir=$2 capture_gen=$3
. "$(dirname "$0")/tshark_env.sh"
name=noise63-decrypt-e2e
pcap=$(stage "$dir/$name.pcap")
keys=$(stage "$dir/$name.keylog")

texts() {  # tshark options...: "packet<TAB>text" of each Info column that quotes a text
    info_column -r "$pcap" "$@" 2>/dev/null | sed -n 's/^\([0-9]*\)\t.* text "\(.*\)"$/\1\t\2/p'
}
printf '10\tHello, world\n12\tFine, thanks\n14\tGroup hello\n20\tYes!\n22\tLunch\n27\tHello, everyone\n29\tChannel news\n' >"$WORK/want"
texts -o "funxmpp.noise_keylog:$keys" >"$WORK/one"
check "Info: each message's text, one pass" same "$WORK/want" "$WORK/one"
texts -o "funxmpp.noise_keylog:$keys" -2 >"$WORK/two"
check "Info: the same in two passes" same "$WORK/want" "$WORK/two"
texts -o "funxmpp.noise_keylog:$keys" -Y 'funxmpp.e2e || tcp' >"$WORK/tree"
check "Info: the same with the tree built (a filter on funxmpp.e2e)" same "$WORK/want" "$WORK/tree"

# The decoded-stream view: each Message's JSON right after its stanza, all ten of the fan-out.
run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$keys" -q -z funxmpp,xml 2>/dev/null >"$WORK/view"
check "-z funxmpp,xml: the JSON after its stanza" \
    grep -q -F 'S>C e2e {"conversation":"Hello, world"}' <(grep -A1 -F 'id="3EB0E2E0000000000001"' "$WORK/view" | tail -n 1)
check "-z funxmpp,xml: a stanza's ten Messages after it" \
    test "$(grep -A10 -F 'id="3EB0E2E000000000000A"' "$WORK/view" | grep -c 'C>S e2e {')" = 10

# A pass that reads end-to-end fields alone and shows no tree (a display filter in tshark or in
# the GUI) gets them without the element tree around them: the same values, all ten of a
# stanza's, as a pass that shows the tree.
filtered() {  # display filter: the packets it keeps, listed without a tree (-T fields would show one)
    run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$keys" -Y "$1" -o 'gui.column.format:"No.","%m"' 2>/dev/null |
        awk '{ printf "%d ", $1 }'
}
check "a filter on funxmpp.e2e fields alone: all ten Messages of a stanza" \
    test "$(filtered 'count(funxmpp.e2e.json) == 10 && count(funxmpp.e2e.decrypted) == 10')" = '27 '
check "a filter on funxmpp.e2e fields alone: the last of them too" \
    test "$(filtered 'funxmpp.e2e.text == "Hello, everyone" && funxmpp.e2e.key_source == "WA_SIGNAL_KEY (key log line 18)"')" = '27 '
check "a filter on funxmpp.e2e fields alone: what a shown tree holds" \
    test "$(filtered 'funxmpp.e2e.decrypted == 0 || funxmpp.e2e.type == "plaintext"')" = \
         "$(run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$keys" -V 2>/dev/null | awk '/^Frame [0-9]+:/ { f = $2 + 0 }
             /\[Decrypted: False\]|\[Type: plaintext\]/ && !seen[f]++ { printf "%d ", f }')"

# Payloads are found again near where they were kept (DESIGN 2.8's "kept per frame"), else by
# their hash: 50 of them, in a second pass that starts 50 back (the first ones by their hash,
# then each next to the last), and in one that starts at the 26th (a read filter in two passes
# leaves the second only what it passed: a jump).
{
    printf 'version 6.3\ntransport tcp\nclient 10.64.3.2:51400\nserver 10.64.3.1:5222\nstart 1700009000.0\nseed 7\n'
    printf 'analyst-keylog client\nconnect\nprologue\nc client-hello\nsend c\ns server-hello\nsend s\nc client-finish\nsend c\n'
    for i in $(seq 50); do
        printf 's <message from="4915112345678@s.whatsapp.net" id="3EB0%%016d" type="text" t="1700009001">' "$i"
        printf '<enc v="2" type="msg">{{signal msg Message %d}}</enc></message>\nsend s\n' "$i"
    done
} >"$WORK/many.session"
"$capture_gen" "$WORK/many.session" "$WORK/many" >/dev/null || { echo "FAIL capture-gen"; exit 1; }
chmod a+r "$WORK/many.pcap" "$WORK/many.keylog"
many_texts() {  # tshark options...: the texts quoted in Info, in packet order
    info_column -r "$WORK/many.pcap" -o "funxmpp.noise_keylog:$WORK/many.keylog" "$@" 2>/dev/null |
        sed -n 's/.* text "\(.*\)"$/\1/p'
}
check "50 payloads: every text, one pass" same <(seq -f 'Message %g' 50) <(many_texts)
check "50 payloads: every text, two passes" same <(seq -f 'Message %g' 50) <(many_texts -2)
check "50 payloads: two passes, the second from the 26th" same <(seq -f 'Message %g' 26 50) \
    <(many_texts -2 -R 'frame.time_relative > 0.305')

# Only the Noise line: the transport opens, the payloads do not.
grep -v '^WA_SIGNAL_KEY' "$dir/$name.keylog" >"$WORK/noise-only.keys"
chmod 644 "$WORK/noise-only.keys"
check "without WA_SIGNAL_KEY lines: no text in Info but the channel's (in the clear)" \
    same <(printf '29\tChannel news\n') <(texts -o "funxmpp.noise_keylog:$WORK/noise-only.keys")
run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$WORK/noise-only.keys" -Y funxmpp.e2e -T fields -E occurrence=f \
    -e frame.number -e funxmpp.e2e.type -e funxmpp.e2e.decrypted -e funxmpp.e2e.json -e funxmpp.e2e.text 2>/dev/null |
    sed -E 's/\bFalse\b/0/g' >"$WORK/bare"
check "without WA_SIGNAL_KEY lines: every envelope shown, none decrypted, no JSON or text" \
    same <(printf '%s\tmsg\t0\t\t\n' 12 16 18 20 22 24 27) <(grep -v $'\tpkmsg\t\|\tskmsg\t\|\tplaintext\t' "$WORK/bare")
check "without WA_SIGNAL_KEY lines: a note on each of the 18 payloads" \
    test "$(run_tshark -r "$pcap" -o "funxmpp.noise_keylog:$WORK/noise-only.keys" -q -z expert,note 2>/dev/null |
            awk '$3 == "FunXMPP" && /no WA_SIGNAL_KEY line/ { n += $1 } END { print n + 0 }')" = 18
finish
