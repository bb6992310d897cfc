#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Records a session of the pinned baileys client (session.mjs) with tools/baileys-keylog.mjs
# preloaded: installs the package into CLIENT_DIR (npm ci, once), runs the session over
# TRANSPORT (ws or wss) and leaves in CLIENT_DIR/TRANSPORT capture.pcap, noise-tcp.pcap (the
# same Noise bytes straight over TCP), noise.keys (the hook's key log), tls.keys (wss: Node's TLS
# key log), expected.tsv, handshake.tsv, e2e.tsv and session.log.
# usage: record-session.sh CLIENT_DIR ws|wss
set -euo pipefail
client=$1 transport=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tools/node-env.sh"
if [ -n "$NODE_PROBLEM$NPM_PROBLEM" ]; then
    echo "record-session.sh: the baileys client ${NODE_PROBLEM:-$NPM_PROBLEM}" >&2
    exit 1
fi
mkdir -p "$client"
cp "$here/package.json" "$here/package-lock.json" "$here/session.mjs" "$here/signal-peer.mjs" "$here/sorted-json.mjs" \
    "$here/thumbnail.jpg" "$here/test-server.key" "$here/test-server.crt" "$client/"
if [ ! -d "$client/node_modules/baileys" ]; then
    # Install scripts are not needed (baileys' only checks the Node version, done above).
    (cd "$client" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >npm.log 2>&1) ||
        { echo "record-session.sh: npm ci of the pinned baileys failed" >&2; tail -20 "$client/npm.log" >&2; exit 1; }
fi
out=$client/$transport
rm -rf "$out" && mkdir -p "$out"
tls_args=()
[ "$transport" = wss ] && tls_args=(--tls-keylog="$out/tls.keys")
# Media downloads (fetch) trust the stand-in's certificate as the WebSocket's Agent does.
(cd "$client" && WA_NOISE_KEYLOG="$out/noise.keys" NODE_EXTRA_CA_CERTS="$client/test-server.crt" timeout 120 \
    node "${tls_args[@]}" --import "$top/tools/baileys-keylog.mjs" session.mjs "$transport" "$out" >"$out/session.log" 2>&1) ||
    { echo "record-session.sh: the baileys session over $transport did not complete" >&2; tail -20 "$out/session.log" >&2; exit 1; }
