# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by whatever runs Node.js (the setup script, the baileys and browser tests): puts the
# project's pinned Node.js (.deps/node, which tools/install-node.sh installs where no Node.js 20
# was there) first on PATH when it is there, then checks. Sets NODE_PROBLEM (Node.js 20 or
# later missing) and NPM_PROBLEM (npm missing): empty when fine, else what is missing and how
# to get it.
_node_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -x "$_node_top/.deps/node/bin/node" ]; then
    PATH=$_node_top/.deps/node/bin:$PATH
    export PATH
fi
_node_hint="tools/setup-debian.sh installs it (on Debian 12 a pinned Node.js 20 with npm, into .deps/node)"
NODE_PROBLEM= NPM_PROBLEM=
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
    NODE_PROBLEM="needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none)); $_node_hint"
fi
if ! command -v npm >/dev/null; then
    NPM_PROBLEM="needs npm (found none); $_node_hint"
fi
unset _node_top _node_hint
