#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on a fresh Debian 12 machine: install what is needed, build the plugin, and
# decode a bundled capture with tshark: its stanzas as XML, then one packet's tree. The output
# is the result: one line per step with its time, the decoded capture, then the path of the
# log that holds the package installation and the build (its tail is shown when a step fails).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
log=$PWD/build/quickstart.log
: >"$log"

step() {  # description, then the command; its output goes to the log
    local what=$1 start=$SECONDS
    shift
    printf '%-44s' "$what"
    echo "== $what: $*" >>"$log"
    if "$@" >>"$log" 2>&1 </dev/null; then
        printf ' %4d s\n' $((SECONDS - start))
    else
        printf ' FAILED after %d s\n\nThe last lines of %s:\n' $((SECONDS - start)) "$log"
        tail -n 25 "$log"
        echo
        echo "Log of the setup and build: $log"
        exit 1
    fi
}
step "Debian packages (tools/setup-debian.sh)" tools/setup-debian.sh
step "configure (cmake)" cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "build the plugin (build/plugins)" cmake --build build -j"$(nproc)" --target funxmpp

# Long stanzas (media, long texts) are cut to the terminal's width (100 columns when not on
# one), as a packet list would.
width=100
if [ -t 1 ] && cols=$(tput cols 2>/dev/null) && [ "$cols" -gt 20 ]; then width=$cols; fi
cut_to_width() {  # in characters, not bytes: bash counts characters in a UTF-8 locale
    local line LC_ALL=C.UTF-8
    while IFS= read -r line; do
        if [ ${#line} -gt "$width" ]; then line="${line:0:width-1}…"; fi
        printf '%s\n' "$line"
    done
}
decode_failed() { echo "tshark could not decode $capture with the plugin (log of the setup and build: $log)"; exit 1; }
capture=captures/wa15-login-chat.pcap
echo
echo "== $capture, its stanzas as canonical XML (-e funxmpp.xml)"
tools/tshark-with-plugin.sh -r "$capture" -Y funxmpp.xml -T fields -E aggregator=$'\n' -e funxmpp.xml | cut_to_width || decode_failed
echo
# The stanza's element in the tree, two levels deep, as Wireshark's packet details show it.
echo "== packet 15, its header split across two TCP segments: the tree (-O funxmpp -V)"
tools/tshark-with-plugin.sh -r "$capture" -Y frame.number==15 -O funxmpp -V |
    sed -n '/^    </,/^$/p' | grep -v -E '^ {12}|^$' | cut_to_width || decode_failed
echo
# Since 2017: Noise transport, then end-to-end (Signal) payloads, both opened from a key log.
capture=captures/noise63-decrypt-e2e.pcap
echo "== $capture with its key log: what the messages say (Info)"
tools/tshark-with-plugin.sh -r "$capture" -o "funxmpp.noise_keylog:${capture%.pcap}.keylog" -Y funxmpp.e2e.text \
    -o 'gui.column.format:"Info","%i"' | sed 's/^ *//' | cut_to_width || decode_failed
echo
echo "Log of the setup and build: $log"
