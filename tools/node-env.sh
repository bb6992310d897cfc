# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by whatever runs Node.js (the baileys and browser tests, screenshot.sh): puts the
# project's pinned Node.js (.deps/node, from tools/install-node.sh) first on PATH when the setup
# script installed it, then checks for Node.js 20 or later with npm. Sets: NODE_PROBLEM, empty
# when they are there, else what is missing and how to get it.
_node_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -x "$_node_top/.deps/node/bin/node" ]; then
    PATH=$_node_top/.deps/node/bin:$PATH
    export PATH
fi
NODE_PROBLEM=
if ! command -v node >/dev/null || ! command -v npm >/dev/null ||
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
    NODE_PROBLEM="needs Node.js 20 or later and npm (found: node $(node --version 2>/dev/null || echo none), npm $(npm --version 2>/dev/null || echo none)); tools/setup-debian.sh installs them (on Debian 12 a pinned Node.js into .deps/node)"
fi
unset _node_top
