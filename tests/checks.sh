# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests: named checks, a file comparison, and the closing count line.
fails=0; passes=0
check() {  # name, then a command whose status decides
    local name=$1; shift
    if "$@"; then passes=$((passes + 1)); echo "ok   $name"; else fails=$((fails + 1)); echo "FAIL $name"; fi
}
same() {  # expected file, actual file: the first lines of the difference when they differ
    local diff
    diff=$(diff -u "$1" "$2") && return 0
    printf '%s\n' "$diff" | head -40 | cut -c1-400; return 1
}
finish() {  # "N passed, N failed"; status 0 when nothing failed
    echo "$passes passed, $fails failed"
    [ "$fails" = 0 ]
}
