#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Getting keys as users would (issue 14): the `baileys` npm package (pinned in package.json and
# package-lock.json, installed into a temporary folder) runs with tools/baileys-keylog.mjs
# preloaded against a local stand-in server (session.mjs, run by record-session.sh), over
# WebSocket and over TLS WebSocket, two connections each; the WebSocket session's Noise bytes are
# also replayed straight over TCP (port 5222), as clients that speak the protocol over TCP send
# them. The dissector must decrypt every session from the key log that hook wrote, stanza for
# stanza as baileys' own decoder reads them, in one pass and two. On the login baileys talks
# end to end (issue 22) with a Signal peer of the stand-in (libsignal, baileys' WAProto), pairwise,
# in a group and from a channel: every payload, both directions, must decode from the hook's
# WA_SIGNAL_KEY lines to the Message JSON its receiver decoded, and without those lines the
# envelopes still show and nothing is made up. Over wss, baileys also uploads a picture and a
# document and downloads a picture and a voice note (issue 23): each comes out of the capture
# through --export-objects funxmpp as the very file.
# usage: baileys_keylog_test.sh PLUGIN_DIR
set -u
PLUGIN_DIR=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tshark/tshark_env.sh"
. "$top/tools/node-env.sh"

client=$(mktemp -d)
trap 'rm -rf "$WORK" "$client"' EXIT

sep=$'\x1f'
# Stream order per connection and direction (the two directions interleave differently in the
# server's view and in the packets).
by_direction() { sort -s -t $'\t' -k1,1n -k2,2; }
# "connection<TAB>direction<TAB>xml" per decoded stanza, as session.mjs writes expected.tsv.
stanzas() {  # capture, server port, tshark options...
    local pcap=$1 port=$2
    shift 2
    run_tshark -r "$pcap" "$@" -Y funxmpp.xml -T fields -E "aggregator=$sep" -e tcp.stream -e tcp.srcport -e funxmpp.xml |
        awk -F '\t' -v sep="$sep" -v port="$port" '{
            n = split($3, v, sep)
            for (i = 1; i <= n; i++) print ($1 + 1) "\t" ($2 == port ? "s2c" : "c2s") "\t" v[i] }' | by_direction
}
fields() {  # capture, filter, fields..., then -- and tshark options
    local pcap=$1 filter=$2 args=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=(-e "$1"); shift; done
    shift
    run_tshark -r "$pcap" "$@" -Y "$filter" -T fields "${args[@]}" | sed -E 's/\bTrue\b/1/g; s/\bFalse\b/0/g'
}
messages() {  # tshark options...: the Messages of $pcap, keys sorted, one a line, sorted
    fields "$pcap" funxmpp.e2e.json funxmpp.e2e.json -- "$@" -E "aggregator=$sep" | tr "$sep" '\n' | node "$here/sorted-json.mjs" | sort
}
count() {  # field, tshark options...: how many values $pcap gives
    local field=$1
    shift
    run_tshark -r "$pcap" "$@" -Y "$field" -T fields -E "aggregator=$sep" -e "$field" 2>/dev/null | tr "$sep" '\n' | grep -c .
}
# "packet<TAB>tags" of the stanzas each packet's Info column names, and of those its
# funxmpp.xml holds: a stanza named twice or not at all shows as a difference.
stanza_tags_in_info() {  # tshark options...
    info_column -r "$pcap" "$@" -Y funxmpp.xml | perl -ne 'chomp; my ($n, $i) = split /\t/, $_, 2;
        my @t = ($i =~ /(?:^|, |")(message|iq|receipt|ack|presence|notification|ib|success|failure|xmlstreamend|call|chatstate)(?= |,|$)/g);
        print "$n\t@t\n"'
}
stanza_tags_in_xml() {  # tshark options...
    run_tshark -r "$pcap" "$@" -Y funxmpp.xml -T fields -E "aggregator=$sep" -e frame.number -e funxmpp.xml |
        perl -ne 'chomp; my ($n, $x) = split /\t/, $_, 2; my @t = map { /^<([^ >\/]+)/ ? $1 : "?" } split /\x1f/, $x; print "$n\t@t\n"'
}
no_line() {  # tshark options...: payloads of $pcap whose note says no key log line names them
    run_tshark -r "$pcap" "$@" -Y _ws.expert.message -T fields -E "aggregator=$sep" -e _ws.expert.message 2>/dev/null |
        tr "$sep" '\n' | grep -c 'no WA_SIGNAL_KEY line'
}

recorded=()
for session in ws wss; do
    if "$here/record-session.sh" "$client" "$session"; then
        recorded+=("$session")
    else
        echo "FAIL $session: no baileys session recorded"; fails=$((fails + 1))
    fi
done
# Each capture: its name, the session that made it, its file there, the server's port.
captures=()
for session in "${recorded[@]}"; do
    case $session in
        ws) captures+=("ws ws capture.pcap 80" "tcp ws noise-tcp.pcap 5222") ;;
        wss) captures+=("wss wss capture.pcap 443") ;;
    esac
done

for capture in "${captures[@]}"; do
    read -r transport session file port <<<"$capture"
    out=$client/$session
    cp "$out/$file" "$client/$transport-capture.pcap"
    cp "$out/noise.keys" "$client/$transport-noise.keys"
    pcap=$(stage "$client/$transport-capture.pcap")
    keys=$(stage "$client/$transport-noise.keys")
    with_keys=(-o "funxmpp.noise_keylog:$keys")
    if [ "$transport" = wss ]; then
        cp "$out/tls.keys" "$client/wss-tls.keys"
        tls=$(stage "$client/wss-tls.keys")
        with_keys+=(-o "tls.keylog_file:$tls")
    fi

    if [ "$transport" = "$session" ]; then  # the key log, once per session
        check "$transport: the hook wrote one WA_NOISE_CLIENT line per connection" \
            test "$(grep -cE '^WA_NOISE_CLIENT( [0-9a-f]{64}){3}$' "$out/noise.keys")" = 2
        check "$transport: each line is that connection's client ephemeral key" \
            same <(cut -f2 "$out/handshake.tsv") <(grep '^WA_NOISE_CLIENT' "$out/noise.keys" | cut -d' ' -f2)
        # Every pairwise and group payload baileys encrypted or decrypted; a channel's needs no key.
        check "$transport: one WA_SIGNAL_KEY line per payload baileys encrypted or decrypted" \
            test "$(grep -cE '^WA_SIGNAL_KEY [0-9a-f]{64} [0-9a-f]{64} [0-9a-f]{32}$' "$out/noise.keys")" = "$(cut -f2 "$out/e2e.tsv" | grep -vc plaintext)"
        check "$transport: the conversation went both ways, pairwise, group and channel" \
            test "$(cut -f1,2 "$out/e2e.tsv" | LC_ALL=C sort -u | tr '\t\n' ': ')" = 'c2s:msg c2s:skmsg s2c:msg s2c:pkmsg s2c:plaintext s2c:skmsg '
        check "$transport: the key log file is readable by its owner only" \
            test "$(stat -c %a "$out/noise.keys")" = 600
    fi

    by_direction <"$out/expected.tsv" >"$out/expected"
    stanzas "$pcap" "$port" "${with_keys[@]}" >"$out/$transport.got" 2>"$out/$transport.stderr"
    check "$transport: every stanza decrypted, as baileys decodes it" same "$out/expected" "$out/$transport.got"
    stanzas "$pcap" "$port" "${with_keys[@]}" -2 >"$out/$transport.got.2" 2>/dev/null
    check "$transport: two passes, the same stanzas" same "$out/expected" "$out/$transport.got.2"
    check "$transport: tshark printed no warning" test ! -s "$out/$transport.stderr"

    check "$transport: the server's static key decrypted, the leaf certificate's key equals it" \
        same <(cut -f1,3 "$out/handshake.tsv" | sed 's/$/\t1/') \
             <(fields "$pcap" funxmpp.noise.server_static tcp.stream funxmpp.noise.server_static funxmpp.noise.cert.leaf_matches -- "${with_keys[@]}" |
               awk -F '\t' '{ print ($1 + 1) "\t" $2 "\t" $3 }')
    # handshake.tsv's fields as baileys encoded them: passive, username, device, platform, connect type
    check "$transport: the client's static key and ClientPayload fields" \
        same <(awk -F '\t' '{ split($5, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
                              print $1 "\t" $4 "\t" v["passive"] "\t" v["username"] "\t" v["device"] "\t" v["platform"] "\t" v["connect_type"] }' "$out/handshake.tsv") \
             <(fields "$pcap" funxmpp.noise.client_static tcp.stream funxmpp.noise.client_static funxmpp.noise.client.passive \
                   funxmpp.noise.client.username funxmpp.noise.client.device funxmpp.noise.client.platform funxmpp.noise.client.connect_type -- "${with_keys[@]}" |
               awk -F '\t' '{ $1 = $1 + 1; print }' OFS='\t')
    # The tree is built apart from funxmpp.xml: the message's device JID (AD_JID) must be there too.
    check "$transport: the tree shows the device JID as the XML does" \
        grep -qx '34600000002:3@s.whatsapp.net' <(fields "$pcap" 'funxmpp.tag == "message"' funxmpp.jid -- "${with_keys[@]}" | tr ',' '\n')
    frames=$(wc -l <"$out/expected.tsv")
    check "$transport: every transport frame's tag checked and valid ($frames frames)" \
        test "$(fields "$pcap" funxmpp.noise.tag_valid funxmpp.noise.tag_valid -- "${with_keys[@]}" | tr ',' '\n' | grep -c '^1$')" = "$frames"
    check "$transport: no expert warning or error" \
        test "$(run_tshark -r "$pcap" "${with_keys[@]}" -Y 'funxmpp && _ws.expert.severity >= 0x00600000' 2>/dev/null | wc -l)" = 0
    # The message's <enc> (session.mjs writes a pkmsg envelope by hand): read without a key.
    check "$transport: the pkmsg envelope field by field" \
        test "$(fields "$pcap" 'funxmpp.e2e.registration_id == 4321' funxmpp.e2e.registration_id funxmpp.e2e.prekey_id \
                funxmpp.e2e.signed_prekey_id funxmpp.e2e.counter -- "${with_keys[@]}")" = $'4321\t7\t1\t0'

    # The end-to-end payloads: each decodes to the Message its receiver decoded (JSON values equal).
    cut -f3 "$out/e2e.tsv" | sort >"$out/e2e.expected"
    messages "${with_keys[@]}" >"$out/$transport.e2e" 2>"$out/$transport.e2e.stderr"
    check "$transport: every end-to-end payload, both ways, is the Message its receiver decoded ($(wc -l <"$out/e2e.expected"))" \
        same "$out/e2e.expected" "$out/$transport.e2e"
    messages "${with_keys[@]}" -2 >"$out/$transport.e2e.2" 2>/dev/null
    check "$transport: two passes, the same Messages" same "$out/e2e.expected" "$out/$transport.e2e.2"
    stanza_tags_in_xml "${with_keys[@]}" >"$out/$transport.tags"
    check "$transport: the Info column names each stanza once, as many as the packet holds" \
        same "$out/$transport.tags" <(stanza_tags_in_info "${with_keys[@]}")
    # (over TLS, the two stanzas the peer sends in one go share a packet: two records)
    [ "$transport" = wss ] && check "wss: a packet holds two message stanzas (the case above is met)" \
        grep -qP '\tmessage message\b' "$out/$transport.tags"
    check "$transport: the peer's first message in the Info column" \
        grep -q 'message from=34600000002@s.whatsapp.net .*text "Hello from the peer 👋"' \
            <(info_column -r "$pcap" "${with_keys[@]}" -Y 'funxmpp.e2e.type == "pkmsg"')
    grep -v '^WA_SIGNAL_KEY' "$out/noise.keys" >"$client/$transport-noise-only.keys"
    noise_only=(-o "funxmpp.noise_keylog:$(stage "$client/$transport-noise-only.keys")")
    [ "$transport" = wss ] && noise_only+=(-o "tls.keylog_file:$tls")
    check "$transport: without WA_SIGNAL_KEY lines only the channel's plaintext Message is read" \
        same <(grep -P '^s2c\tplaintext\t' "$out/e2e.tsv" | cut -f3) <(messages "${noise_only[@]}" 2>/dev/null)
    check "$transport: without them every envelope is still shown" \
        test "$(count funxmpp.e2e.type "${noise_only[@]}")" = "$(count funxmpp.e2e.type "${with_keys[@]}")"
    check "$transport: without them each payload the hook gave a key says it has none" \
        test $(($(no_line "${noise_only[@]}") - $(no_line "${with_keys[@]}"))) = "$(cut -f2 "$out/e2e.tsv" | grep -vc plaintext)"

    # Media over HTTPS (issue 23): what baileys uploaded with its own code and what it downloaded
    # and decrypted, each exported from the capture byte for byte, one pass and two.
    if [ "$transport" = wss ]; then
        media_hashes() { (cd "$1" && sha256sum -- * | cut -c1-64 | sort); }
        exported() {  # tshark options...: the hashes of what --export-objects funxmpp writes
            rm -rf "$WORK/media-out" && mkdir -m 777 "$WORK/media-out"
            run_tshark -r "$pcap" "${with_keys[@]}" -q --export-objects "funxmpp,$WORK/media-out" "$@" >/dev/null 2>&1
            media_hashes "$WORK/media-out"
        }
        check "wss: baileys uploaded a picture and a document, downloaded a picture and a voice note" \
            test "$(ls "$out/media" | tr '\n' ' ')" = 'downloaded-picture.jpg downloaded-voice-note.ogg uploaded-minutes.pdf uploaded-picture.jpg '
        check "wss: every media file exported is one baileys uploaded or decrypted, byte for byte, two passes" \
            same <(media_hashes "$out/media") <(exported -2)
        check "wss: the document under the name its message gives" test -f "$WORK/media-out/minutes.pdf"
        # In a capture the uploads come before the messages that send them: one pass has the downloads.
        check "wss: one pass, the files downloaded after their messages" \
            same <(cd "$out/media" && sha256sum -- downloaded-* | cut -c1-64 | sort) <(exported)
        check "wss: each transfer's MAC and fileSha256 checked (two passes)" \
            test "$(fields "$pcap" 'funxmpp.media.mac_valid == 1' funxmpp.media.file_hash -- "${with_keys[@]}" -2 |
                    grep -c "^fits the message's fileSha256$")" = 4
    fi

    # Without the Noise key log: the frames are found and counted, nothing is decrypted.
    without=()
    [ "$transport" = wss ] && without=(-o "tls.keylog_file:$tls")
    check "$transport: without the Noise key log nothing decrypted" \
        test -z "$(stanzas "$pcap" "$port" "${without[@]}" 2>/dev/null)"
    check "$transport: without the Noise key log every frame still found" \
        test "$(fields "$pcap" funxmpp.noise.counter funxmpp.noise.counter -- "${without[@]}" | tr ',' '\n' | grep -c .)" = "$frames"
done
finish
