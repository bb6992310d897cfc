#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The .deb as a user meets it (issue 11): cpack -G DEB in a build tree, apt-get install of the
# package, then an ordinary user's tshark, with no WIRESHARK_PLUGIN_DIR, lists the plugin with
# the project's version and decrypts captures/wa16-encrypted.pcap stanza for stanza;
# apt-get remove takes the plugin away again. Changes the system: run it in a throw-away
# root (tools/debian-root.sh SUITE tools/package-test.sh), as root.
#   tools/package-test.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
user=funxmpp-analyst
package=wireshark-plugin-funxmpp
capture=captures/wa16-encrypted
[ "$(id -u)" = 0 ] || { echo "package-test.sh: installs a package: run it as root, in a throw-away root" >&2; exit 2; }

. tests/checks.sh

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
(cd "$build" && rm -f ./*.deb && cpack -G DEB >cpack.log 2>&1) || { tail -20 "$build/cpack.log"; }
deb=$(ls "$build"/"${package}"_*.deb 2>/dev/null | head -1)
check "cpack -G DEB made a package" test -n "$deb"
[ -n "$deb" ] || { finish; exit; }
dpkg-deb -f "$deb" Package Version Depends Homepage Description | sed 's/^/     /'
abi=$(dpkg-query -S "$(readlink -f "$(pkg-config --variable=libdir wireshark)/libwireshark.so")" | cut -d: -f1)
check "the package depends on ${abi:-?}, the libwireshark it was built against" \
    bash -c "[ -n '$abi' ] && dpkg-deb -f '$deb' Depends | grep -qE '(^|, )$abi \\(<<'"

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(readlink -f "$deb")" >"$build/apt-install.log" 2>&1
check "apt-get install ./$(basename "$deb")" test $? = 0
so=$(dpkg -L $package 2>/dev/null | grep '/funxmpp\.so$')
check "installed into Wireshark's plugin folder" test "$so" = "$(pkg-config --variable=plugindir wireshark)/epan/funxmpp.so"

id "$user" >/dev/null 2>&1 || useradd --create-home "$user"
work=$(mktemp -d) && chmod 755 "$work" && cp "$capture.pcap" "$work/" && chmod 644 "$work"/*
as_user() { (cd "$work" && setpriv --reuid="$user" --regid="$user" --init-groups \
    env -u WIRESHARK_PLUGIN_DIR HOME="/home/$user" "$@"); }
# tshark -G plugins: name (padded with spaces), version, type, path; separated by tabs.
# Prints funxmpp's "version<TAB>path"; fails unless tshark listed its plugins.
plugins() {
    as_user tshark -G plugins >"$work/plugins" 2>/dev/null && grep -q '\.so' "$work/plugins" &&
        awk -F '\t' '{ sub(/ +$/, "", $1) } $1 == "funxmpp.so" { print $2 "\t" $4 }' "$work/plugins"
}

check "tshark -G plugins lists funxmpp.so $version from $so" test "$(plugins)" = "$version"$'\t'"$so"
read -r -a opts <<<"$(sed -n 's/^# tshark: //p' "$capture.session")"
sep=$'\x1f'
as_user tshark -r "$work/$(basename "$capture").pcap" "${opts[@]}" -Y funxmpp.xml -T fields -E "aggregator=$sep" \
    -e frame.number -e funxmpp.xml 2>/dev/null |
    awk -F '\t' -v sep="$sep" '{ n = split($2, v, sep); for (i = 1; i <= n; i++) print $1 "\t" v[i] }' >"$work/got"
check "an ordinary user's tshark decrypts $capture.pcap stanza for stanza" same "$capture.xml" "$work/got"

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq $package >>"$build/apt-install.log" 2>&1
check "apt-get remove $package" test $? = 0
check "the plugin file is gone" bash -c "[ -n '$so' ] && [ ! -e '$so' ]"
listed=$(plugins) && status=0 || status=$?
check "tshark -G plugins no longer lists funxmpp.so" test "$status:$listed" = "0:"
rm -rf "$work"
finish
