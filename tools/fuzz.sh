#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the libFuzzer targets (clang, ASan + UBSan) for SECONDS each, two at a time.
# usage: tools/fuzz.sh [SECONDS] [TARGET...]   (targets: framing decoder xml crypto handshake md_decoder noise_stream envelope media)
# The seed corpus is tests/fuzz/regressions/<target> plus the TCP payloads of captures/.
# Findings land in fuzz-findings/<target>-*; fix each and add it to tests/fuzz/regressions.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(framing decoder xml crypto handshake md_decoder noise_stream envelope media)
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUNXMPP_FUZZ=ON \
    -DFUNXMPP_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

# Seeds: each TCP payload of each capture, behind the byte that selects its version.
seeds=$build/seeds
if [ ! -d "$seeds" ] && command -v tshark >/dev/null; then
    mkdir -p "$seeds"
    for script in captures/*.session captures/malformed/*.session; do
        [ -f "$script" ] || continue
        name=$(basename "$script" .session)
        v=$(sed -n 's/^version //p' "$script" | head -n 1)
        case "$v" in 0.4) sel=0 ;; 1.0) sel=1 ;; 1.1) sel=2 ;; 1.2) sel=3 ;; 1.4) sel=4 ;; 1.5) sel=5 ;; *) sel=6 ;; esac
        n=0
        tshark -r "${script%.session}.pcap" -Y 'tcp.len > 0' -T fields -e tcp.payload 2>/dev/null | head -n 200 |
            while read -r hex; do
                n=$((n + 1))
                { printf "\\x$(printf %02x "$sel")"; echo -n "$hex" | xxd -r -p; } >"$seeds/$name-$n"
            done
    done
fi

mkdir -p fuzz-findings
status=0
run() {
    local t=$1 corpus=$build/corpus/$1
    mkdir -p "$corpus"
    if "$build/bin/fuzz_$t" "$corpus" tests/fuzz/regressions/"$t" ${seeds:+"$seeds"} \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="fuzz-findings/$t-" -print_final_stats=1 >"$build/fuzz-$t.log" 2>&1; then
        echo "fuzz_$t: $seconds s, no finding ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-$t.log" | grep -o '[0-9]*$') runs)"
    else
        echo "fuzz_$t: FINDING, see $build/fuzz-$t.log and fuzz-findings/"; return 1
    fi
}
pids=()
for t in "${targets[@]}"; do
    run "$t" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
