#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remakes the README's screenshots of Debian's Wireshark GUI (under Xvfb) with the plugin:
#  docs/wireshark-tree.png   packet 15 of captures/wa15-login-chat.pcap, its FunXMPP tree expanded;
#  docs/wireshark-noise.png  a session of the baileys client over TLS WebSocket, recorded by
#                            tests/baileys/record-session.sh with its TLS and Noise key logs, both
#                            given to Wireshark: a decrypted message stanza, its tree expanded;
#  docs/wireshark-e2e.png    the same session: the Signal peer's picture message to baileys,
#                            decrypted from the key log's WA_SIGNAL_KEY line, found by Edit > Find
#                            Packet (packet details, string "jpegThumbnail"), its thumbnail in
#                            Show Packet Bytes as an image;
#  docs/wireshark-media.png  the same session: the picture the peer sent, downloaded over HTTPS
#                            and decrypted (its WhatsApp media file subtree expanded), and
#                            File > Export Objects > FunXMPP... listing every media file.
# Needs: apt-get install wireshark-qt xvfb xdotool imagemagick (not part of the test setup),
# Node.js 20 and npm for the second.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/gui-session.sh

# CAPTURE PACKET FUNXMPP_ROW_Y SELECT_ROW_Y OUT [wireshark options]: opens CAPTURE at PACKET,
# expands the FunXMPP item (at FUNXMPP_ROW_Y in the details pane), gives the details more
# room, selects the row at SELECT_ROW_Y and saves the screen to OUT.
shoot() {
    local capture=$1 packet=$2 funxmpp_y=$3 select_y=$4 out=$5
    shift 5
    open_wireshark "$capture" "$packet" "$@"
    xdotool mousemove 200 "$funxmpp_y" click 1; sleep 1; xdotool key shift+Right; sleep 1   # expand FunXMPP
    xdotool mousemove 700 800 mousedown 1 mousemove 900 800 mouseup 1; sleep 1              # wider details
    xdotool mousemove 600 557 mousedown 1 mousemove 600 300 mouseup 1; sleep 1              # taller details
    xdotool mousemove 200 "$select_y" click 1; sleep 1
    save_screen "$out"
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

# The peer's picture: Find Packet from the packet before it (searching starts after the selected
# one) in the packet details for the string "jpegThumbnail", the JPEG item under it selected,
# Show Packet Bytes (Ctrl+Shift+O) as Image, the dialog moved over the bytes pane.
picture=$(FUNXMPP_PLUGIN_DIR=$stage/plugins tools/tshark-with-plugin.sh -r "$stage/baileys-over-wss.pcap" \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" \
    -Y funxmpp -T fields -e frame.number -e funxmpp.e2e.text | grep -B1 -m1 $'\tA picture from the peer' | head -n 1 | cut -f1)
mkdir -p "$stage/home/.config/wireshark"
printf 'gui.search_in: PACKET_DETAILS\ngui.search_type: STRING\n' >"$stage/home/.config/wireshark/recent"
open_wireshark "$stage/baileys-over-wss.pcap" "$picture" \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" -Y funxmpp
xdotool mousemove 300 1040 click 1; sleep 1    # the status bar: the window's focus, the selection kept
xdotool key ctrl+f; sleep 1
xdotool type --delay 30 jpegThumbnail; xdotool key Return; sleep 2
xdotool mousemove 300 991 click 1; sleep 1; xdotool key Right; sleep 1; xdotool key Down; sleep 1
xdotool key ctrl+shift+o; sleep 3
xdotool mousemove 612 792 click 1; sleep 1; xdotool type --delay 50 Image; xdotool key Return; sleep 2
dialog=$(xdotool search --name 'JPEG File Interchange Format' | tail -n 1)
xdotool windowmove "$dialog" 700 560 windowsize "$dialog" 690 480; sleep 2
save_screen docs/wireshark-e2e.png

# The media files: the packet list filtered to decrypted messages and media transfers, the
# peer's picture as downloaded (its media subtree expanded, details taller and wider), then File >
# Export Objects > FunXMPP..., the dialog moved over the bytes pane.
download=$(FUNXMPP_PLUGIN_DIR=$stage/plugins tools/tshark-with-plugin.sh -r "$stage/baileys-over-wss.pcap" \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" \
    -Y 'funxmpp.media.type == "image" && http.response' -T fields -e frame.number | tail -n 1)
open_wireshark "$stage/baileys-over-wss.pcap" "$download" \
    -o "tls.keylog_file:$stage/tls.keys" -o "funxmpp.noise_keylog:$stage/noise.keys" -Y 'funxmpp.media || funxmpp.e2e.decrypted'
xdotool mousemove 198 689 click 1; sleep 1; xdotool key shift+Right; sleep 1                  # expand the media file
xdotool mousemove 700 800 mousedown 1 mousemove 900 800 mouseup 1; sleep 1                   # wider details
xdotool mousemove 600 557 mousedown 1 mousemove 600 430 mouseup 1; sleep 1                   # taller details
xdotool mousemove 20 10 click 1; sleep 2; xdotool mousemove 81 390 click 1; sleep 2           # File > Export Objects
xdotool mousemove 429 440 click 1; sleep 4                                                   # > FunXMPP...
dialog=$(xdotool search --name 'Export · FunXMPP object list' | tail -n 1)
xdotool windowmove "$dialog" 600 600 windowsize "$dialog" 790 420; sleep 2
save_screen docs/wireshark-media.png
