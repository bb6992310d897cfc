#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The committed captures and expected outputs are what the generator makes of the scripts.
# usage: captures_up_to_date.sh GENERATOR CAPTURES_DIR...
set -u
gen=$1
shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
for script in $(for d in "$@"; do ls "$d"/*.session; done); do
    dir=$(dirname "$script")
    name=$(basename "$script" .session)
    "$gen" "$script" "$tmp/$name" || { echo "FAIL $name: generator failed"; fails=$((fails + 1)); continue; }
    for ext in pcap xml tree expert decrypted wareg stream noise keylog plain; do
        [ -e "$tmp/$name.$ext" ] || [ -e "$dir/$name.$ext" ] || continue  # (successor scripts only)
        if cmp -s "$tmp/$name.$ext" "$dir/$name.$ext"; then
            passes=$((passes + 1))
        else
            echo "FAIL $name.$ext differs from a fresh generation: run tools/regenerate-captures.sh"
            fails=$((fails + 1))
        fi
    done
done
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
