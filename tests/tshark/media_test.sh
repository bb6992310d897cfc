#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Media files of the end-to-end layer (DESIGN 2.9) on a generated capture: an image uploaded
# before the message that sends it; a document, a voice note and a history sync blob (inflated,
# read as a HistorySync) downloaded after theirs; and one transfer for each bad input (a MAC
# that does not fit, a fileSha256 that does not fit, a 31-byte mediaKey, a type whose keys are
# unknown, a transfer lost to a TCP gap, a body cut by the snapshot length, a history blob that
# does not inflate). What comes out of `--export-objects funxmpp` equals, byte for byte, the
# files the generator sealed, in two passes; one pass exports what follows its message and
# says, at the message, where the earlier upload is; nothing that fails a check is exported.
# usage: media_test.sh PLUGIN_DIR CAPTURE_GEN THUMBNAIL_JPEG
set -u
PLUGIN_DIR=$1 capture_gen=$2 jpeg=$3
. "$(dirname "$0")/tshark_env.sh"

cp "$jpeg" "$WORK/photo.jpg"
head -c 3000 /dev/urandom >"$WORK/note.ogg"
printf '%%PDF-1.4 minutes of the meeting\n' >"$WORK/minutes.pdf"
# A history sync blob: zlib of a HistorySync { syncType: RECENT, pushnames: [{ id, pushname }] }.
python3 -c 'import sys, zlib
def f(n, b): return bytes([n << 3 | 2, len(b)]) + b
sys.stdout.buffer.write(zlib.compress(bytes([8, 3]) + f(7, f(1, b"4915112345678@s.whatsapp.net") + f(2, b"Grace"))))' >"$WORK/history.zlib"
noise_opening() {  # NET PORT: a Noise connection from 10.64.NET.2:PORT, the analyst holding its key log
    printf 'client 10.64.%s.2:%s\nserver 10.64.%s.1:5222\nanalyst-keylog client\nconnect\n' "$1" "$2" "$1"
    printf 'prologue\nc client-hello\nsend c\ns server-hello\nsend s\nc client-finish\nsend c\n'
}
generate() {  # NAME: $WORK/NAME.session made into NAME.pcap and NAME.keylog, readable by tshark's user
    (cd "$WORK" && "$capture_gen" "$1.session" "$1" >/dev/null) || { echo "FAIL capture-gen $1"; exit 1; }
    chmod a+r "$WORK/$1".*
}
http() {  # c|s http-media... lines of one HTTP connection to the media host
    printf 'client 10.64.4.2:%s\nserver 10.64.4.9:80\nconnect\n' "$1"
    shift
    for line in "$@"; do printf '%s\n' "$line"; done
    printf 'close\n'
}
{
    printf 'version 6.3\ntransport tcp\nstart 1700010000.0\nseed 11\n'
    printf 'media photo imageMessage image/jpeg file photo.jpg\n'
    printf 'media minutes documentMessage application/pdf file minutes.pdf name minutes.pdf\n'
    printf 'media note audioMessage audio/ogg;codecs=opus file note.ogg ptt\n'
    printf 'media forged imageMessage image/jpeg random 500 fault bad-mac\n'
    printf 'media wronghash documentMessage text/plain random 100 name wrong.txt fault bad-hash\n'
    printf 'media shortkey imageMessage image/jpeg random 64 fault short-key\n'
    printf 'media pack stickerPackMessage application/x-pack random 300\n'
    printf 'media lost videoMessage video/mp4 random 5000\n'
    printf 'media history protocolMessage.historySyncNotification application/x-protobuf file history.zlib\n'
    printf 'media damaged protocolMessage.historySyncNotification application/x-protobuf random 200\n'
    http 40000 'c http-media photo' 'send c'
    noise_opening 4 51500
    to='to="4915112345678@s.whatsapp.net"' from='from="4915112345678@s.whatsapp.net"'
    printf 'c <message %s id="3EB0ME01" type="media"><enc v="2" type="msg">{{signal-media msg photo}}</enc></message>\nsend c\n' "$to"
    i=1
    for m in minutes note forged wronghash shortkey pack lost history damaged; do
        i=$((i + 1))
        printf 's <message %s id="3EB0ME0%d" type="media"><enc v="2" type="msg">{{signal-media msg %s}}</enc></message>\nsend s\n' \
            "$from" "$i" "$m"
    done
    printf 'close\nanalyst-keylog none\n'
    lines=()
    for m in minutes note forged wronghash shortkey pack history damaged; do
        lines+=("c http-media-get $m" 'send c' "s http-media $m" 'send s')
    done
    http 40001 "${lines[@]}" 'c http-media-get lost' 'send c' 's http-media lost' 'send s 1000 drop'
} >"$WORK/media.session"
generate media
keys=(-o "funxmpp.noise_keylog:$WORK/media.keylog")

exported() {  # tshark options...: "name size" of each file --export-objects funxmpp writes
    rm -rf "$WORK/out" && mkdir -m 777 "$WORK/out"
    run_tshark -r "$WORK/media.pcap" "${keys[@]}" -q --export-objects "funxmpp,$WORK/out" "$@" >/dev/null 2>&1
    (cd "$WORK/out" && for f in *; do [ -e "$f" ] && echo "$f $(wc -c <"$f")"; done)
}
fields() {  # tshark options...
    run_tshark -r "$WORK/media.pcap" "${keys[@]}" -T fields "$@" 2>/dev/null
}

short_hash() { sha256sum "$1" | cut -c1-16; }
photo=$(run_tshark -r "$WORK/media.pcap" "${keys[@]}" -2 -T fields -e funxmpp.e2e.json -Y 'frame.number == 19' 2>/dev/null |
    sed -n 's/.*"fileSha256":"\([^"]*\)".*/\1/p' | base64 -d | od -An -tx1 | tr -d ' \n' | cut -c1-16)
note=$(sha256sum "$WORK/note.ogg" | cut -c1-16)
damaged=$(run_tshark -r "$WORK/media.pcap" "${keys[@]}" -2 -T fields -e funxmpp.media.file -Y 'frame.number == 77' 2>/dev/null |
    xxd -r -p | sha256sum | cut -c1-16)
{
    printf 'history-sync-%s.bin 200\nhistory-sync-%s.bin %s\n' "$damaged" "$(short_hash "$WORK/history.zlib")" "$(wc -c <"$WORK/history.zlib")"
    printf 'image-%s.jpg %s\nminutes.pdf %s\nvoice-note-%s.ogg 3000\n' "$photo" "$(wc -c <"$WORK/photo.jpg")" \
        "$(wc -c <"$WORK/minutes.pdf")" "$note"
} | sort >"$WORK/want-two"
check "two passes: the verified files (a damaged history blob too: it is the file), named from their messages, nothing else" \
    same "$WORK/want-two" <(exported -2)
check "two passes: each exported file is the one sealed, byte for byte" \
    cmp -s "$WORK/photo.jpg" "$WORK/out/image-$photo.jpg"
check "  the document" cmp -s "$WORK/minutes.pdf" "$WORK/out/minutes.pdf"
check "  the voice note" cmp -s "$WORK/note.ogg" "$WORK/out/voice-note-$note.ogg"
check "  the history sync blob" cmp -s "$WORK/history.zlib" "$WORK/out/history-sync-$(short_hash "$WORK/history.zlib").bin"
check "one pass: the downloads after their message" same <(grep -v '^image-' "$WORK/want-two") <(exported)
check "one pass: the message says where its earlier upload is" \
    test "$(fields -e frame.number -e funxmpp.media.transfer_frame -Y funxmpp.media.transfer_earlier)" = "$(printf '19\t5')"

# Both ways: each transfer names its message's frame, each message its transfers' frames.
printf '5\t\t19\n19\t5\t\n21\t47\t\n23\t53\t\n25\t57\t\n27\t61\t\n29\t65\t\n31\t69\t\n35\t73\t\n37\t77\t\n47\t\t21\n53\t\t23\n57\t\t25\n61\t\t27\n65\t\t29\n69\t\t31\n73\t\t35\n77\t\t37\n' >"$WORK/links"
check "two passes: transfers and messages link both ways" same "$WORK/links" \
    <(fields -2 -e frame.number -e funxmpp.media.transfer_frame -e funxmpp.media.message_frame \
        -Y 'funxmpp.media.transfer_frame || funxmpp.media.message_frame')
check "the image's subtree: type, size, MAC, hash, and the JPEG dissector's tree" \
    test "$(fields -2 -e funxmpp.media.type -e funxmpp.media.size -e funxmpp.media.file_hash -e image-jfif.marker \
        -E occurrence=f -Y 'frame.number == 5 && funxmpp.media.mac_valid == 1')" = \
        "$(printf "image\t%s\tfits the message's fileSha256\t0xffd8" "$(wc -c <"$WORK/photo.jpg")")"

# A history sync blob: inflated and read as a HistorySync, field by field.
check "a history sync blob inflated and read field by field" \
    grep -q 'pushname: Grace' <(run_tshark -r "$WORK/media.pcap" "${keys[@]}" -2 -V -Y 'frame.number == 73' 2>/dev/null)
check "  its type" grep -q 'syncType: RECENT' <(run_tshark -r "$WORK/media.pcap" "${keys[@]}" -2 -V -Y 'frame.number == 73' 2>/dev/null)

# Every bad input: an expert item where it is, and (above) nothing exported.
experts() {  # frame: its funxmpp.media expert items, two passes
    run_tshark -r "$WORK/media.pcap" "${keys[@]}" -2 -V -Y "frame.number == $1" 2>/dev/null |
        sed -n 's/.*\[Expert Info (\([A-Za-z]*\)\/[A-Za-z]*): \(.*\)\]$/\1: \2/p' | grep -v -e '^Chat' -e 'TCP\|segment' | sort -u
}
check "a MAC that does not fit: an error at the transfer" \
    grep -q '^Error: Media file not opened: the MAC does not fit' <(experts 57)
check "a fileSha256 that does not fit: an error at the transfer" \
    grep -q "^Error: Media file not shown: decrypted, but its SHA-256 is not the message's fileSha256" <(experts 61)
check "a 31-byte mediaKey: an error at the message" grep -q '^Error: Its mediaKey is 31 bytes, not 32' <(experts 29)
check "  and at the transfer" grep -q "^Error: Media file not opened: the message's mediaKey is not 32 bytes" <(experts 65)
check "an unknown media type: a warning at the message" grep -q '^Warning: It names a media file of a type whose keys are not known' <(experts 31)
check "  and at the transfer" grep -q '^Warning: A media file of a type whose keys are not known (stickerPackMessage)' <(experts 69)
check "a transfer lost to a TCP gap: a note at its message" grep -q '^Note: No whole HTTP body in the capture is the video' <(experts 33)
check "a history blob that does not inflate: an error at the transfer" \
    grep -q '^Error: The history sync blob is not a whole zlib stream' <(experts 77)
check "a decrypted file shown for the verified transfers only" \
    test "$(fields -2 -e frame.number -Y funxmpp.media.file | tr '\n' ' ')" = '5 47 53 73 77 '

# The same in one pass, two, and with a tree built in both.
tree_of() {  # options...: the HTTP packets' funxmpp.media items
    run_tshark -r "$WORK/media.pcap" "${keys[@]}" "$@" -V -Y 'frame.number in {47, 53, 57, 61, 65, 69, 73, 77}' 2>/dev/null |
        awk '/^Frame /{ f = $2 } /WhatsApp media file/{ p = 1 } /^[^ ]/ && !/WhatsApp media file/{ p = 0 } p { print f, $0 }'
}
tree_of >"$WORK/tree-one"
check "the transfers after their messages: the same tree in one pass and two" same "$WORK/tree-one" <(tree_of -2)
check "  (and there is one)" test "$(grep -c 'WhatsApp media file' "$WORK/tree-one")" = 8

# A download over HTTP/2 (h2c, the body in three DATA frames that Wireshark reassembles).
head -c 40000 /dev/urandom >"$WORK/big.bin"
{
    printf 'version 6.3\ntransport tcp\nstart 1700012000.0\nseed 13\n'
    printf 'media doc documentMessage application/octet-stream file big.bin name big.bin\n'
    noise_opening 6 51700
    printf 's <message from="4915112345678@s.whatsapp.net" id="3EB0H2" type="media"><enc v="2" type="msg">{{signal-media msg doc}}</enc></message>\nsend s\nclose\n'
    printf 'analyst-keylog none\nclient 10.64.6.2:40003\nserver 10.64.6.9:80\nconnect\nc http2-media-get doc\nsend c\ns http2-media doc\nsend s\nclose\n'
} >"$WORK/h2.session"
generate h2
rm -rf "$WORK/out" && mkdir -m 777 "$WORK/out"
run_tshark -r "$WORK/h2.pcap" -o "funxmpp.noise_keylog:$WORK/h2.keylog" -q --export-objects "funxmpp,$WORK/out" >/dev/null 2>&1
check "HTTP/2: the file exported, byte for byte" cmp -s "$WORK/big.bin" "$WORK/out/big.bin"
check "  shown on the packet that ends its body" test "$(run_tshark -r "$WORK/h2.pcap" -o "funxmpp.noise_keylog:$WORK/h2.keylog" \
    -T fields -E occurrence=f -e http2.streamid -e funxmpp.media.message_frame -Y funxmpp.media 2>/dev/null)" = "$(printf '1\t10')"

# Bodies of other content types: none (the "http" heuristic), an unknown one (the "media"
# heuristic), image/jpeg (a type Wireshark has a dissector for: ours when a message names the
# file, JFIF's as before when none does).
{
    printf 'version 6.3\ntransport tcp\nstart 1700013000.0\nseed 14\n'
    printf 'media untyped documentMessage text/plain random 300 name untyped.txt\n'
    printf 'media unknown documentMessage text/plain random 400 name unknown.txt\n'
    printf 'media jpeg imageMessage image/jpeg file photo.jpg\n'
    printf 'media nobody imageMessage image/jpeg file photo.jpg\n'
    noise_opening 7 51800
    for m in untyped unknown jpeg; do
        printf 's <message from="4915112345678@s.whatsapp.net" id="3EB0T%s" type="media"><enc v="2" type="msg">{{signal-media msg %s}}</enc></message>\nsend s\n' "$m" "$m"
    done
    printf 'close\nanalyst-keylog none\nclient 10.64.7.2:40004\nserver 10.64.7.9:80\nconnect\n'
    printf 'c http-media-get untyped\nsend c\ns http-media untyped none\nsend s\n'
    printf 'c http-media-get unknown\nsend c\ns http-media unknown application/x-unknown-media\nsend s\n'
    printf 'c http-media-get jpeg\nsend c\ns http-media jpeg image/jpeg\nsend s\n'
    printf 'c http-media-get nobody\nsend c\ns http-media nobody image/jpeg\nsend s\nclose\n'
} >"$WORK/typed.session"
generate typed
typed=(-r "$WORK/typed.pcap" -o "funxmpp.noise_keylog:$WORK/typed.keylog")
rm -rf "$WORK/out" && mkdir -m 777 "$WORK/out"
run_tshark "${typed[@]}" -q --export-objects "funxmpp,$WORK/out" >/dev/null 2>&1
check "no content type, an unknown one, image/jpeg: each named file found and exported" \
    test "$(cd "$WORK/out" && ls | tr '\n' ' ')" = "image-$photo.jpg unknown.txt untyped.txt "
check "  each shown on its packet" test "$(run_tshark "${typed[@]}" -T fields -e funxmpp.media.file_name -e funxmpp.media.type \
    -Y funxmpp.media 2>/dev/null | tr '\t\n' ': ')" = 'untyped.txt:document unknown.txt:document :image '
protocols() {  # options...: each HTTP answer's protocols and expert items
    run_tshark "${typed[@]}" "$@" -T fields -e frame.number -e frame.protocols -e _ws.expert.message -Y http.response 2>/dev/null
}
check "  a JPEG body no message names: as with the plugin disabled (the others: ours)" \
    same <(protocols --disable-protocol funxmpp | sed -n '4p') <(protocols | sed -n '4p')
check "  (the named ones are ours)" test "$(protocols | head -n 3 | cut -f2 | tr '\n' ' ')" = \
    'eth:ethertype:ip:tcp:http:funxmpp eth:ethertype:ip:tcp:http:funxmpp eth:ethertype:ip:tcp:http:image-jfif '

# A body the snapshot length cut: said, not exported; its message notes that no whole body came.
{
    printf 'version 6.3\ntransport tcp\nstart 1700011000.0\nseed 12\n'
    printf 'media doc documentMessage text/plain random 1200 name cut.txt\n'
    noise_opening 5 51600
    printf 's <message from="4915112345678@s.whatsapp.net" id="3EB0CUT1" type="media"><enc v="2" type="msg">{{signal-media msg doc}}</enc></message>\nsend s\nclose\n'
    printf 'analyst-keylog none\nclient 10.64.5.2:40002\nserver 10.64.5.9:80\nconnect\nc http-media-get doc\nsend c\ns http-media doc\nsend s\nclose\n'
} >"$WORK/whole.session"
generate whole
(cd "$WORK" && editcap -s 700 whole.pcap cut.pcap && chmod a+r cut.pcap) || { echo "FAIL editcap"; exit 1; }
rm -rf "$WORK/out" && mkdir -m 777 "$WORK/out"
run_tshark -r "$WORK/cut.pcap" -o "funxmpp.noise_keylog:$WORK/whole.keylog" -2 -q --export-objects "funxmpp,$WORK/out" >/dev/null 2>&1
check "a body cut short: nothing exported" test -z "$(ls "$WORK/out")"
check "  a warning at the body" test "$(run_tshark -r "$WORK/cut.pcap" -o "funxmpp.noise_keylog:$WORK/whole.keylog" -2 \
    -T fields -e frame.number -Y funxmpp.media.truncated 2>/dev/null)" = 20
check "  a note at its message" test "$(run_tshark -r "$WORK/cut.pcap" -o "funxmpp.noise_keylog:$WORK/whole.keylog" -2 \
    -T fields -e frame.number -Y funxmpp.media.no_transfer 2>/dev/null)" = 10

finish
