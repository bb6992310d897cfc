#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mutation fuzzing of tshark with the plugin, in the manner of Wireshark's fuzz-test.sh:
# ITERATIONS times, a capture (ours, and ../shared/captures/real when present) is mutated
# with editcap -E and dissected by tshark with the plugin (unprivileged), in one pass with the
# tree and in two passes, with passwords for our test accounts. A crash, an abort, a
# "Dissector bug", a time-out or any output on stdout with -q saves the mutated capture under
# fuzz-findings/ and fails.
# usage: tools/fuzz-captures.sh [ITERATIONS] [ERROR_PROBABILITY]
set -u
cd "$(dirname "$0")/.."
iterations=${1:-500}
probability=${2:-0.02}
PLUGIN_DIR=${FUNXMPP_PLUGIN_DIR:-build/plugins}
captures=(captures/*.pcap captures/malformed/*.pcap)
for c in ../shared/captures/real/*.pcap; do [ -r "$c" ] && captures+=("$c"); done
. tools/plugin-env.sh
mkdir -p fuzz-findings
tshark_as_user() { run_as_user timeout 120 tshark "$@"; }
passwords=(-o 'uat:funxmpp_passwords:"4915112345678","AQIDBAUGBwgJCgsMDQ4PEBESExQ=",""'
           -o 'uat:funxmpp_passwords:"34600000001","AQIDBAUGBwgJCgsMDQ4PEBESExQ=",""')

failures=0
for ((i = 1; i <= iterations; i++)); do
    src=${captures[$(( (i - 1) % ${#captures[@]} ))]}
    mutated=$WORK/mutated.pcap
    editcap -E "$probability" "$src" "$mutated" >/dev/null 2>&1 || { echo "editcap failed on $src"; exit 2; }
    chmod 644 "$mutated"
    problem=""
    tshark_as_user -r "$mutated" -nVx "${passwords[@]}" >/dev/null 2>"$WORK/err1"; rc1=$?
    tshark_as_user -r "$mutated" -2 -q -z funxmpp,tree "${passwords[@]}" >"$WORK/out2" 2>"$WORK/err2"; rc2=$?
    tshark_as_user -r "$mutated" -q "${passwords[@]}" >"$WORK/out3" 2>>"$WORK/err2"; rc3=$?
    if [ $rc1 -ge 124 ] || [ $rc2 -ge 124 ] || [ $rc3 -ge 124 ]; then
        problem="crash or time-out (exit $rc1/$rc2/$rc3)"
    elif grep -qiE 'dissector bug|assertion|segmentation|aborted' "$WORK/err1" "$WORK/err2"; then
        problem="$(grep -hiE 'dissector bug|assertion|segmentation|aborted' "$WORK/err1" "$WORK/err2" | head -n 1)"
    elif [ -s "$WORK/out3" ]; then
        problem="output on stdout with -q"
    fi
    if [ -n "$problem" ]; then
        failures=$((failures + 1))
        keep=fuzz-findings/$(basename "$src" .pcap)-$i.pcap
        cp "$mutated" "$keep"
        echo "FAIL iteration $i ($src): $problem; kept $keep"
    fi
done
echo "$((iterations - failures)) passed, $failures failed"
[ "$failures" = 0 ]
