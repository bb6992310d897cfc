#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds everything and runs every test with ctest: unit, CLI and tshark tests (with the
# mutation loop and valgrind) in build/, then the unit, CLI and tshark tests again in an
# ASan+UBSan build (build-asan/): the sanitized plugin runs inside Debian's tshark with the
# sanitizer runtimes preloaded (tools/plugin-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"

asan=${ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$asan" -DCMAKE_BUILD_TYPE=Debug -DFUNXMPP_SANITIZE=ON
cmake --build "$asan" -j"$(nproc)"
ctest --test-dir "$asan" --output-on-failure -j"$(nproc)"
