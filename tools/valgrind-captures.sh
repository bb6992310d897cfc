#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind memcheck of tshark with the plugin over captures (with decryption): fails on any
# memory error or definite leak whose stack passes through the plugin. (tshark and its
# libraries have findings of their own; only ours count.)
# usage: tools/valgrind-captures.sh [CAPTURE...]   (default: a representative set)
set -u
cd "$(dirname "$0")/.."
PLUGIN_DIR=${FUNXMPP_PLUGIN_DIR:-build/plugins}
command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed (tools/setup-debian.sh installs it)"; exit 77; }
captures=("$@")
[ ${#captures[@]} -gt 0 ] || captures=(captures/wa16-encrypted.pcap captures/wa15-fast-relogin.pcap
                                       captures/wa15-registration.pcap captures/malformed/frame-errors.pcap
                                       captures/wa16-chat.pcap captures/noise62-xx-websocket.pcap
                                       captures/malformed/noise-bad-handshakes.pcap)
. tools/plugin-env.sh

failures=0
for cap in "${captures[@]}"; do
    pcap=$(stage "$cap")
    log=$WORK/$(basename "$cap").log
    touch "$log" && chmod 666 "$log"
    run_as_user valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
                 --num-callers=50 --log-file="$log" \
        tshark -r "$pcap" -2 -V -z funxmpp,xml -z funxmpp,tree \
               -o 'uat:funxmpp_passwords:"4915112345678","AQIDBAUGBwgJCgsMDQ4PEBESExQ=",""' \
               -o 'uat:funxmpp_passwords:"34600000001","AQIDBAUGBwgJCgsMDQ4PEBESExQ=",""' >/dev/null 2>&1
    # Records are blocks of "==pid== " lines between blank ones; keep those through our code.
    ours=$(awk '/^==[0-9]+== *$/ { if (block ~ /funxmpp/ && block ~ /(Invalid|uninitialised|definitely lost|Mismatched|overlap)/) print block; block = ""; next }
                { block = block "\n" $0 }' "$log")
    summary=$(grep -m1 'ERROR SUMMARY' "$log")
    if [ -n "$ours" ]; then
        failures=$((failures + 1))
        echo "FAIL $cap: findings in the plugin"
        echo "$ours" | head -n 60
    else
        echo "ok   $cap: none in the plugin (${summary#*== })"
    fi
done
echo "$(( ${#captures[@]} - failures )) passed, $failures failed"
[ "$failures" = 0 ]
