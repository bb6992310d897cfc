#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remakes docs/wireshark-tree.png: Debian's Wireshark GUI under Xvfb with the plugin, packet
# 15 of captures/wa15-login-chat.pcap selected and its FunXMPP tree expanded.
# Needs: apt-get install wireshark-qt xvfb xdotool imagemagick (not part of the test setup).
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$stage"' EXIT
mkdir "$stage/home" && cp -r build/plugins "$stage/" && cp captures/wa15-login-chat.pcap "$stage/"
chmod -R a+rwX "$stage"
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1400x1050x24 >/dev/null 2>&1 &
sleep 2
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_user[@]}" env HOME="$stage/home" XDG_RUNTIME_DIR="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" \
    wireshark -r "$stage/wa15-login-chat.pcap" -g 15 >/dev/null 2>&1 &
sleep 12
wid=$(xdotool search --name wa15-login-chat | head -n 1)
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 1050; sleep 2
xdotool mousemove 200 655 click 1; sleep 1; xdotool key shift+Right; sleep 1          # expand FunXMPP
xdotool mousemove 700 800 mousedown 1 mousemove 900 800 mouseup 1; sleep 1            # wider details
xdotool mousemove 600 557 mousedown 1 mousemove 600 300 mouseup 1; sleep 1            # taller details
xdotool mousemove 200 686 click 1; sleep 1                                            # select the JID user
import -window root "$stage/shot.png"
convert "$stage/shot.png" -colors 256 PNG8:docs/wireshark-tree.png
echo docs/wireshark-tree.png
