#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on a fresh Debian 12 machine: install what is needed, build the plugin, and
# decode a bundled capture with tshark: its stanzas as XML, then one packet's tree.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
capture=captures/wa15-login-chat.pcap
echo "== $capture: the stanzas, as canonical XML (tshark -T fields -e funxmpp.xml)"
tools/tshark-with-plugin.sh -r "$capture" -Y funxmpp.xml -T fields -E aggregator=$'\n' -e funxmpp.xml
echo
echo "== packet 15 (a message whose frame header was split across two TCP segments), tree view"
tools/tshark-with-plugin.sh -r "$capture" -Y frame.number==15 -O funxmpp -V | sed -n '/^FunXMPP/,$p'
