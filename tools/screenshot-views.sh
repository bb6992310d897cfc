#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remakes the README's screenshots of the conversation views in the GUI of a newer Wireshark
# (the Follow menu lists the followers plugins register since 4.2; Debian 12 has 4.0), inside
# a release root, as root:
#   FUNXMPP_ROOT_OUT=docs tools/debian-root.sh sid tools/screenshot-views.sh /out
#  OUT/wireshark-follow.png  Analyze > Follow > FunXMPP Stream on packet 12 of
#                            captures/noise63-decrypt-e2e.pcap, decrypted with its key log;
#  OUT/wireshark-flow.png    Statistics > Flow Graph, flow type FunXMPP, on the 2015 login of
#                            captures/wa15-login-chat.pcap.
# The menu positions are those of Wireshark 4.6 on the 1400x1050 screen of gui-session.sh.
set -euo pipefail
out=${1:?usage: screenshot-views.sh OUT_FOLDER}
cd "$(dirname "$0")/.."
echo "== setup, the GUI, the plugin"
tools/setup-debian.sh --without-browser >/tmp/setup.log 2>&1 || { tail -30 /tmp/setup.log; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wireshark xvfb xdotool imagemagick \
    >/tmp/gui.log 2>&1 || { tail -30 /tmp/gui.log; exit 1; }
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/tmp/cmake.log 2>&1 || { cat /tmp/cmake.log; exit 1; }
cmake --build build -j"$(nproc)" --target funxmpp >/tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }
wireshark --version 2>/dev/null | head -n 1
. tools/gui-session.sh

window() {  # TITLE_PART W H: the newest window whose title has TITLE_PART, at 0,0 and W x H
    local w
    w=$(xdotool search --name "$1" | tail -n 1)
    xdotool windowmove "$w" 0 0 windowsize "$w" "$2" "$3"; sleep 2
    echo "$w"
}

cp captures/noise63-decrypt-e2e.pcap captures/noise63-decrypt-e2e.keylog "$stage/"
open_wireshark "$stage/noise63-decrypt-e2e.pcap" 12 -o "funxmpp.noise_keylog:$stage/noise63-decrypt-e2e.keylog"
xdotool mousemove 241 8 click 1; sleep 1      # Analyze
xdotool mousemove 261 277 click 1; sleep 1    # Follow
xdotool mousemove 622 321 click 1; sleep 4    # FunXMPP Stream
save_screen "$out/wireshark-follow.png" "$(window 'Follow FunXMPP Stream' 1250 860)"

cp captures/wa15-login-chat.pcap "$stage/"
open_wireshark "$stage/wa15-login-chat.pcap" 10
xdotool mousemove 308 8 click 1; sleep 1      # Statistics
xdotool mousemove 338 405 click 1; sleep 4    # Flow Graph
window 'Flow' 1400 1050 >/dev/null
xdotool mousemove 731 997 click 1; sleep 1    # Flow type: FunXMPP
xdotool type --delay 80 FunXMPP; xdotool key Return; sleep 3
save_screen "$out/wireshark-flow.png" "$(window 'Flow' 1100 730)"
