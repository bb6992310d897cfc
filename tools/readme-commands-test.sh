#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's quick start, exactly as written there, where users run it (issue 21): CI runs
# this in a pristine Debian 12 root (tools/debian-root.sh bookworm tools/readme-commands-test.sh).
# The two commands are read from the README's "Quick start" block (comments dropped) and run
# in order; the first, the main job, must succeed with its result on one screen (at most 50
# lines of at most 100 characters, the decoded capture in it, the log's path last); the second
# runs every test, and its status is this script's.
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t commands < <(awk '
    /^## Quick start/ { section = 1; next }
    section && /^```/ { if (block) exit; block = 1; next }
    section && !block && /^## / { exit }
    block { sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, ""); if ($0 != "") print }' README.md)
if [ ${#commands[@]} != 2 ]; then
    echo "readme-commands-test.sh: the README's quick start has ${#commands[@]} commands, not two: ${commands[*]}"
    exit 1
fi

echo "==== ${commands[0]}"
start=$SECONDS
out=$(mktemp)
bash -c "${commands[0]}" >"$out" 2>&1
status=$?
cat "$out"
echo "==== ${commands[0]}: exit status $status, $((SECONDS - start)) s"
. tests/checks.sh
check "the main job succeeds" test "$status" = 0
check "its output fits on a screen (at most 50 lines of at most 100 characters)" \
    test "$(wc -l <"$out")" -le 50 -a "$(wc -L <"$out")" -le 100
check "it shows the decoded stanzas" grep -q -F '<message to="34600000002@s.whatsapp.net" type="text"' "$out"
check "it shows a packet's tree" grep -q -E '^        Tag: message \(token 0x[0-9A-F]+\)$' "$out"
check "it shows what an end-to-end message says" grep -q -F 'type=text text "Hello, world"' "$out"
log=$(tail -n 1 "$out" | sed -n 's/^Log of the setup and build: //p')
check "its last line is the path of the setup and build log" test -s "$log"
rm -f "$out"
finish || exit 1

echo "==== ${commands[1]}"
start=$SECONDS
bash -c "${commands[1]}"
status=$?
echo "==== ${commands[1]}: exit status $status, $((SECONDS - start)) s"
exit "$status"
