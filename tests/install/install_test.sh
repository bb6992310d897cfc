#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cmake --install honours DESTDIR and the prefix (issue 11): the plugin goes to
# <DESTDIR><prefix>/<Wireshark's plugin folder below its prefix>/epan/funxmpp.so.
#   install_test.sh BUILD_DIR
set -u
build=$1
. "$(dirname "$0")/../checks.sh"
command -v pkg-config >/dev/null && pkg-config --exists wireshark || { echo "skipped: no wireshark.pc (Wireshark's development files: tools/setup-debian.sh installs them)"; exit 77; }
prefix=$(pkg-config --variable=prefix wireshark)
below=$(pkg-config --variable=plugindir wireshark)
below=${below#"$prefix"/}
case "$below" in /*) echo "skipped: Wireshark's plugin folder is outside its prefix"; exit 77 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
cmake -S "$source_dir" -B "$work/fresh" -DFUNXMPP_BUILD_TESTS=OFF >"$work/log" 2>&1
check "a fresh configure installs under Wireshark's prefix ($prefix)" \
    grep -qx "CMAKE_INSTALL_PREFIX:PATH=$prefix" "$work/fresh/CMakeCache.txt"
build_prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
DESTDIR="$work/dest" cmake --install "$build" >"$work/log" 2>&1
check "DESTDIR: plugin under DESTDIR and the prefix" test -f "$work/dest$build_prefix/$below/epan/funxmpp.so"
cmake --install "$build" --prefix "$work/prefix" >"$work/log" 2>&1
check "--prefix: plugin under the given prefix" test -f "$work/prefix/$below/epan/funxmpp.so"
DESTDIR="$work/both" cmake --install "$build" --prefix /opt/funxmpp >"$work/log" 2>&1
check "DESTDIR and --prefix together" test -f "$work/both/opt/funxmpp/$below/epan/funxmpp.so"
check "nothing else but the licence" test "$(find "$work/dest" -type f | wc -l)" = 2
finish
