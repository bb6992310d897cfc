#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What CI proves on each Debian release (issue 11), run inside a fresh root of it
# (tools/debian-root.sh SUITE tools/ci-in-root.sh [WIRESHARK_VERSION]): the setup script, the
# plugin's build against that release's Wireshark (the major.minor expected, if given), the
# tshark golden tests over captures/ (and the real captures where present), then the .deb:
# install, use as an ordinary user, remove.
set -euo pipefail
cd "$(dirname "$0")/.."
expected=${1:-}
. /etc/os-release
echo "== ${PRETTY_NAME}: setup"
tools/setup-debian.sh --without-browser >/tmp/setup.log 2>&1 || { tail -30 /tmp/setup.log; exit 1; }
tshark --version 2>/dev/null | head -1
found=$(pkg-config --modversion wireshark)
if [ -n "$expected" ] && [[ "$found" != "$expected".* ]]; then
    echo "this release has Wireshark $found, not the $expected this check is for"; exit 1
fi
echo "== build"
# cpack packages what is built (the plugin) instead of building every test target first.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/tmp/cmake.log 2>&1 || { cat /tmp/cmake.log; exit 1; }
# The build must be clean: any warning (a deprecated API, say) fails it.
cmake --build build -j"$(nproc)" --target funxmpp funxmpp-capture-gen funxmpp-decode >/tmp/build.log 2>&1 ||
    { grep -E -A3 'error' /tmp/build.log | head -60; exit 1; }
if grep -E 'warning:' /tmp/build.log; then echo "the build is not clean"; exit 1; fi
ls build/plugins/*/epan/funxmpp.so
echo "== tshark tests"
ctest --test-dir build --output-on-failure --no-tests=error -j"$(nproc)" \
    -R '^(tshark\.(golden\.|real_captures|tls_registration|tls_websocket|noise_prefs|noise_keylog|e2e|media|conversation_views|label_edges)|batch\.|captures\.up_to_date|cli\.|install\.)'
echo "== package"
tools/package-test.sh build
