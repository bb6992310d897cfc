#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin on every Wireshark users run (issue 11): in a fresh root of each Debian release
# (tools/debian-root.sh), the setup script, a clean build against that release's Wireshark,
# the tshark golden tests, and the .deb installed, used by an ordinary user and removed
# (tools/ci-in-root.sh). Needs root; CI runs it after tools/run-tests.sh.
#   tools/test-debian-releases.sh [SUITE...]     default: bookworm trixie sid (Wireshark 4.0, 4.4, 4.6)
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- bookworm trixie sid
passed=0 failed=0
for suite in "$@"; do
    echo "==== $suite"
    start=$SECONDS
    if tools/debian-root.sh "$suite" tools/ci-in-root.sh; then
        passed=$((passed + 1)); echo "ok   $suite ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); echo "FAIL $suite ($((SECONDS - start)) s)"
    fi
done
echo "releases: $passed passed, $failed failed"
[ "$failed" = 0 ]
