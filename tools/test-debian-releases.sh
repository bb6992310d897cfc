#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin on every Wireshark users run (issue 11): in a fresh root of each Debian release
# (tools/debian-root.sh), the setup script, a clean build against that release's Wireshark,
# the tshark golden tests, and the .deb installed, used by an ordinary user and removed
# (tools/ci-in-root.sh). Needs root; CI runs it after tools/run-tests.sh.
#   tools/test-debian-releases.sh [SUITE[:WIRESHARK]...]
# default: bookworm:4.0 trixie:4.4 sid:4.6 (a release that moves to another Wireshark fails
# until this list says so).
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- bookworm:4.0 trixie:4.4 sid:4.6
passed=0 failed=0
for entry in "$@"; do
    suite=${entry%%:*} wireshark=${entry#*:}
    [ "$wireshark" != "$entry" ] || wireshark=
    echo "==== $suite${wireshark:+ (Wireshark $wireshark)}"
    start=$SECONDS
    if tools/debian-root.sh "$suite" tools/ci-in-root.sh $wireshark; then
        passed=$((passed + 1)); echo "ok   $suite ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); echo "FAIL $suite ($((SECONDS - start)) s)"
    fi
done
echo "releases: $passed passed, $failed failed"
[ "$failed" = 0 ]
