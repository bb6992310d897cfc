#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remakes the README's screenshots of Debian's Wireshark GUI (under Xvfb) with the plugin:
#  docs/wireshark-tree.png   packet 15 of captures/wa15-login-chat.pcap, its FunXMPP tree expanded;
#  docs/wireshark-noise.png  a session of the baileys client over TLS WebSocket, recorded by
#                            tests/baileys/record-session.sh with its TLS and Noise key logs, both
#                            given to Wireshark: a decrypted message stanza, its tree expanded.
# Needs: apt-get install wireshark-qt xvfb xdotool imagemagick (not part of the test setup),
# Node.js 20 and npm for the second.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$stage"' EXIT
mkdir "$stage/home" && cp -r build/plugins "$stage/"
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1400x1050x24 >/dev/null 2>&1 &
sleep 2
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# CAPTURE PACKET FUNXMPP_ROW_Y SELECT_ROW_Y OUT [wireshark options]: opens CAPTURE at PACKET,
# expands the FunXMPP item (at FUNXMPP_ROW_Y in the details pane), gives the details more
# room, selects the row at SELECT_ROW_Y and saves the screen to OUT.
shoot() {
    local capture=$1 packet=$2 funxmpp_y=$3 select_y=$4 out=$5 name
    shift 5
    name=$(basename "$capture" .pcap)
    chmod -R a+rwX "$stage"
    "${as_user[@]}" env HOME="$stage/home" XDG_RUNTIME_DIR="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" \
        wireshark -r "$capture" -g "$packet" "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep 12
    local wid
    wid=$(xdotool search --name "$name" | head -n 1)
    xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 1050; sleep 2
    xdotool mousemove 200 "$funxmpp_y" click 1; sleep 1; xdotool key shift+Right; sleep 1   # expand FunXMPP
    xdotool mousemove 700 800 mousedown 1 mousemove 900 800 mouseup 1; sleep 1              # wider details
    xdotool mousemove 600 557 mousedown 1 mousemove 600 300 mouseup 1; sleep 1              # taller details
    xdotool mousemove 200 "$select_y" click 1; sleep 1
    import -window root "$stage/shot.png"
    convert "$stage/shot.png" -colors 256 PNG8:"$out"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    echo "$out"
}

cp captures/wa15-login-chat.pcap "$stage/"
shoot "$stage/wa15-login-chat.pcap" 15 655 686 docs/wireshark-tree.png

tests/baileys/record-session.sh "$stage/baileys" wss >/dev/null
cp "$stage/baileys/wss/capture.pcap" "$stage/baileys-over-wss.pcap"
cp "$stage/baileys/wss/tls.keys" "$stage/baileys/wss/noise.keys" "$stage/"
chmod -R a+rwX "$stage"
message=$(FUNXMPP_PLUGIN_DIR=$stage/plugins tools/tshark-with-plugin.sh -r "$stage/baileys-over-wss.pcap" \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" \
    -Y 'funxmpp.tag == "message"' -T fields -e frame.number | head -n 1)
shoot "$stage/baileys-over-wss.pcap" "$message" 672 584 docs/wireshark-noise.png \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" -Y funxmpp
