#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The conversation views (DESIGN 2.10) as tshark shows them: Follow FunXMPP Stream
# (-z follow,funxmpp,ascii|yaml,STREAM) and the FunXMPP flow graph (-z flow,funxmpp,standard),
# recorded for a 2015 plaintext session, a decrypted WAUTH-2 session, a successor session with
# its key log and a capture of several connections; the same in two passes; one arrow and one
# follow record per stanza (as many as the decoded-stream view lists); a stream chosen by its
# addresses reads as the one chosen by number; frames left encrypted say so.
# The expected text is in tests/tshark/views/; after an intended change, regenerate it with:
#   conversation_views_test.sh --update PLUGIN_DIR CAPTURES_DIR
# usage: conversation_views_test.sh [--update] PLUGIN_DIR CAPTURES_DIR
set -u
update=false
[ "${1:-}" = --update ] && { update=true; shift; }
PLUGIN_DIR=$1 dir=$2
. "$(dirname "$0")/tshark_env.sh"
expected_dir=$(cd "$(dirname "$0")" && pwd)/views

options() {  # capture name: the options its session names, and its key log when it has one
    sed -n 's/^# tshark: //p' "$dir/$1.session"
    [ -f "$dir/$1.keylog" ] && echo "-o funxmpp.noise_keylog:$(stage "$dir/$1.keylog")"
}
view() {  # capture name, then -z argument and other tshark options
    local name=$1; shift
    local -a opts
    read -r -a opts <<<"$(options "$name" | tr '\n' ' ')"
    run_tshark -r "$(stage "$dir/$name.pcap")" ${opts[@]+"${opts[@]}"} -q "$@"
}
recorded() {  # name of the expected file, the output to compare
    if $update; then
        cp "$2" "$expected_dir/$1"
        echo "updated $expected_dir/$1"
    else
        check "$1 as recorded" same "$expected_dir/$1" "$2"
    fi
}
records() {  # capture name: how many stanzas and frames the decoded-stream view lists (e2e lines aside)
    view "$1" -z funxmpp,xml 2>/dev/null | grep -cE '^ *[0-9.]+ (C>S|S>C) ' | tr -d '\n'
    echo -n ' '
    view "$1" -z funxmpp,xml 2>/dev/null | grep -cE '^ *[0-9.]+ (C>S|S>C) e2e ' 
}

for spec in wa15-login-chat:0 wa16-encrypted:0 noise63-decrypt-e2e:0 wa15-fast-relogin:0 wa15-fast-relogin:1 wa15-fast-relogin:2; do
    name=${spec%:*} stream=${spec#*:}
    for mode in ascii yaml; do
        [ "$name" = wa15-fast-relogin ] && [ "$mode" = yaml ] && continue
        out=$WORK/$name.follow-$mode-$stream.txt
        view "$name" -z "follow,funxmpp,$mode,$stream" >"$out" 2>"$WORK/stderr"
        recorded "$name.follow-$mode-$stream.txt" "$out"
        $update && continue
        check "$name follow $mode $stream: nothing on stderr" test ! -s "$WORK/stderr"
        view "$name" -2 -z "follow,funxmpp,$mode,$stream" >"$WORK/two" 2>/dev/null
        check "$name follow $mode $stream: the same in two passes" same "$out" "$WORK/two"
    done
done

for name in wa15-login-chat noise63-decrypt-e2e; do
    out=$WORK/$name.flow.txt
    view "$name" -z flow,funxmpp,standard >"$out" 2>"$WORK/stderr"
    recorded "$name.flow.txt" "$out"
    $update && continue
    check "$name flow: nothing on stderr" test ! -s "$WORK/stderr"
    view "$name" -2 -z flow,funxmpp,standard >"$WORK/two" 2>/dev/null
    check "$name flow: the same in two passes" same "$out" "$WORK/two"
    read -r listed e2e <<<"$(records "$name")"
    arrows=$(grep -cE -- '-{3,}>|<-{3,}' "$out")
    check "$name flow: one arrow per stanza or frame ($arrows, the decoded-stream view lists $((listed - e2e)))" \
        test "$arrows" = "$((listed - e2e))"
    follow=$(view "$name" -z follow,funxmpp,ascii,0 2>/dev/null | grep -cE '^<')
    check "$name follow: one record per stanza or frame ($follow)" test "$follow" = "$((listed - e2e))"
done
$update && exit 0

# Login steps are arrows of their own, and so are the successor's handshake messages.
check "flow: the 2015 login, step by step" \
    bash -c "grep -oE '\\|FunXMPP: (auth|challenge|response|success)\\b' '$WORK/wa15-login-chat.flow.txt' | tr '\\n' ' ' | grep -qx '|FunXMPP: auth |FunXMPP: challenge |FunXMPP: response |FunXMPP: success '"
check "flow: the successor's handshake messages" \
    bash -c "grep -oE 'FunXMPP: Noise (ClientHello|ServerHello|ClientFinish)' '$WORK/noise63-decrypt-e2e.flow.txt' | wc -l | grep -qx 3"
check "flow: a message's text in its label" grep -qF 'text "Hello, world"' "$WORK/noise63-decrypt-e2e.flow.txt"

# Chosen by its two ends instead of its number: the same stream, both directions.
ends=$(sed -n 's/^Node [01]: //p' "$WORK/wa15-fast-relogin.follow-ascii-1.txt" | paste -sd, -)
view wa15-fast-relogin -z "follow,funxmpp,ascii,$ends" 2>/dev/null >"$WORK/by-ends"
check "follow by addresses ($ends) reads as by number" \
    same <(grep -v '^Filter:' "$WORK/wa15-fast-relogin.follow-ascii-1.txt") <(grep -v '^Filter:' "$WORK/by-ends")

# Without the password every frame after the login is one line saying it stayed encrypted.
run_tshark -r "$(stage "$dir/wa16-encrypted.pcap")" -q -z follow,funxmpp,ascii,0 2>/dev/null >"$WORK/locked"
check "follow without the password: encrypted frames say so" grep -qE '^<!-- encrypted frame, [0-9]+ bytes, not decrypted -->$' "$WORK/locked"
check "follow without the password: no decrypted message" bash -c "! grep -q '^<message' '$WORK/locked'"
finish
