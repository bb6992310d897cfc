#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds everything and runs every test with ctest, in two halves: unit, CLI and tshark tests
# (with the mutation loop and valgrind) in build/, then the unit, CLI and tshark tests again in
# an ASan+UBSan build (build-asan/): the sanitized plugin runs inside Debian's tshark with the
# sanitizer runtimes preloaded (tools/plugin-env.sh). Both halves always run; each is reported,
# then the total, and the exit status is non-zero if either failed (or did not build).
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0 summary=()

half() {  # name, build folder, cmake options...
    local name=$1 dir=$2 log
    shift 2
    echo "==== $name ($dir)"
    if ! { cmake -S . -B "$dir" "$@" && cmake --build "$dir" -j"$(nproc)"; }; then
        failed=$((failed + 1))
        summary+=("$name: the build failed (counted as one failure; no test ran)")
        return
    fi
    log=$(mktemp)
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -j"$(nproc)" | tee "$log"
    # ctest's closing lines: "N% tests passed, F tests failed out of T", and one line per
    # skipped test ("***Skipped" with its number).
    local total fails skips
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
    fails=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)
    skips=$(grep -c -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*\*\*\*Skipped' "$log")
    rm -f "$log"
    # ctest shows a skipped test's output nowhere but in its log: say what each one lacks.
    awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 } /^skipped: / { print "skipped " name ": " substr($0, 10) }' \
        "$dir/Testing/Temporary/LastTest.log" 2>/dev/null
    if [ -z "$total" ]; then
        failed=$((failed + 1))
        summary+=("$name: ctest did not finish (counted as one failure)")
        return
    fi
    passed=$((passed + total - fails - skips)) failed=$((failed + fails)) skipped=$((skipped + skips))
    summary+=("$name: $((total - fails - skips)) passed, $fails failed, $skips skipped")
}

half "plain build" "${BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
half "ASan+UBSan build" "${ASAN_BUILD_DIR:-build-asan}" -DCMAKE_BUILD_TYPE=Debug -DFUNXMPP_SANITIZE=ON

echo
printf '%s\n' "${summary[@]}"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
