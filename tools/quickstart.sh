#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on a fresh Debian 12 machine: install what is needed, build, and decode.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "== A real 2015 Android client's stream start (WA 1.5):"
echo 57410105000017f80501a59189fc0f416e64726f69642d322e31322e3834 | build/bin/funxmpp-decode
echo "== The WA 1.2 login opening of spec 8.2, indented:"
build/bin/funxmpp-decode --pretty 574101020000 19F80501C8ABA5FC116950686F6E652D322E382E342D35323232 \
    000008F802BBF801F8019C 000017F80710E8CF6DECDAFC0D34393135313132333435363738
