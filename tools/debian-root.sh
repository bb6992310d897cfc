#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command inside a throw-away Debian root of another release, with a copy of this
# source tree at /src (and the real captures, where present, at /shared/captures/real).
#   tools/debian-root.sh SUITE [COMMAND...]      e.g. tools/debian-root.sh trixie tools/ci-in-root.sh
# FUNXMPP_ROOT_OUT=DIR: a folder of the host seen in the root as /out (what a run makes to keep).
# Needs root, debootstrap and overlayfs. A pristine root per release is kept under
# $FUNXMPP_ROOTS (default /var/cache/funxmpp-ci), made once with debootstrap from this machine's
# own Debian mirror; each run works on an overlay of it that vanishes afterwards, and the
# downloaded packages are kept beside it, so a second run starts in seconds.
set -euo pipefail
suite=${1:?usage: debian-root.sh SUITE [COMMAND...]}
shift
[ $# -gt 0 ] || set -- bash
top=$(cd "$(dirname "$0")/.." && pwd)
roots=${FUNXMPP_ROOTS:-/var/cache/funxmpp-ci}
pristine=$roots/$suite.pristine
archives=$roots/$suite.archives

[ "$(id -u)" = 0 ] || { echo "debian-root.sh: needs root (debootstrap, mount, chroot)" >&2; exit 2; }
host_mirror() {  # the host's own Debian mirror, the one apt already uses
    apt-get indextargets --format '$(LABEL)'$'\t''$(REPO_URI)' | awk -F '\t' '$1 == "Debian" { print $2; exit }'
}
if ! command -v debootstrap >/dev/null || [ -z "${FUNXMPP_DEBIAN_MIRROR:-}$(host_mirror)" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
mirror=${FUNXMPP_DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] || { echo "debian-root.sh: no Debian mirror in this machine's apt sources" >&2; exit 2; }

# One run of a release at a time: the pristine root is made once, the package cache is shared.
mkdir -p "$roots"
exec 9>"$roots/$suite.lock"
flock 9
rm -rf "$roots/$suite".run.*  # left by a run that was killed
if [ ! -d "$pristine" ]; then
    echo "== debootstrap $suite from $mirror into $pristine"
    rm -rf "$pristine.partial"
    debootstrap --variant=minbase "$suite" "$pristine.partial" "$mirror" >"$roots/$suite.debootstrap.log" 2>&1 || {
        tail -20 "$roots/$suite.debootstrap.log" >&2; exit 1; }
    # A mirror may be a dated snapshot whose Release files have expired: apt must still read it.
    echo 'Acquire::Check-Valid-Until "false";' >"$pristine.partial/etc/apt/apt.conf.d/10funxmpp-ci"
    # Keep downloaded packages (they live outside the root, in $archives).
    rm -f "$pristine.partial/etc/apt/apt.conf.d/docker-clean"
    echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >>"$pristine.partial/etc/apt/apt.conf.d/10funxmpp-ci"
    mv "$pristine.partial" "$pristine"
fi
mkdir -p "$archives/partial"

out=
if [ -n "${FUNXMPP_ROOT_OUT:-}" ]; then
    mkdir -p "$FUNXMPP_ROOT_OUT" && out=$(cd "$FUNXMPP_ROOT_OUT" && pwd)
fi
run=$(mktemp -d "$roots/$suite.run.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/upper" "$run/work" "$run/root" "$run/trust"

# What the host trusts, and nothing else of it, goes into the root (as a CI behind a
# TLS-intercepting proxy needs): its CA bundle, its extra CAs (kept when the root's
# ca-certificates package rebuilds the bundle), its npm settings (global, then user file, as
# the root's ~/.npmrc), the CA files those settings or NODE_EXTRA_CA_CERTS name, and the proxy,
# Node CA and npm variables of the environment. $run/trust mirrors the root's paths.
trust=$run/trust
carry() {  # an absolute path of the host, copied to the same path in the root
    case $1 in /*) [ -f "$1" ] || return 0 ;; *) return 0 ;; esac
    mkdir -p "$trust$(dirname "$1")" && cp -L "$1" "$trust$1"
}
carry /etc/ssl/certs/ca-certificates.crt
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$trust/usr/local/share/ca-certificates"
    cp -rL /usr/local/share/ca-certificates/. "$trust/usr/local/share/ca-certificates/"
fi
npm_config_files=("${NPM_CONFIG_GLOBALCONFIG:-/etc/npmrc}" "${NPM_CONFIG_USERCONFIG:-$HOME/.npmrc}")
if command -v npm >/dev/null; then
    npm_config_files=("$(npm config get globalconfig 2>/dev/null || true)" "$(npm config get userconfig 2>/dev/null || true)")
fi
mkdir -p "$trust/root"
for f in "${npm_config_files[@]}"; do [ ! -f "$f" ] || cat "$f"; echo; done >"$trust/root/.npmrc"
trusted_env=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS; do
    [ -z "${!v:-}" ] || trusted_env+=("$v=${!v}")
done
while IFS='=' read -r v _; do  # npm's settings given in the environment
    case ${v,,} in npm_config_userconfig | npm_config_globalconfig | npm_config_prefix | npm_config_cache) ;;
        npm_config_*) trusted_env+=("$v=${!v}") ;; esac
done < <(env)
carry "${NODE_EXTRA_CA_CERTS:-}"
carry "$(sed -n 's/^[[:space:]]*cafile[[:space:]]*=[[:space:]]*//p' "$trust/root/.npmrc" | tail -1 | tr -d '"')"
carry "${npm_config_cafile:-${NPM_CONFIG_CAFILE:-}}"

# Everything below happens in a private mount namespace: its mounts go away with it. (The
# script is an argument, not standard input, so that a shell in the root gets the terminal.)
inner=$(cat <<EOF
m="$run/root"
mount -t overlay overlay -o lowerdir="$pristine",upperdir="$run/upper",workdir="$run/work" "\$m"
mount -t proc proc "\$m/proc"
mount --bind /dev "\$m/dev"
mount --bind /dev/pts "\$m/dev/pts" 2>/dev/null || true
mount -t tmpfs tmpfs "\$m/tmp"
mount --bind "$archives" "\$m/var/cache/apt/archives"
cp -L /etc/resolv.conf "\$m/etc/resolv.conf"
# A minbase root has no /etc/hosts, which every installed Debian has (the tests name localhost).
[ -e "\$m/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"\$m/etc/hosts"
cp -r "$trust/." "\$m/"
# The source tree as git has it (committed and uncommitted changes, no build folders).
mkdir -p "\$m/src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
    tar -xf - -C "\$m/src"
if [ -n "$out" ]; then
    mkdir -p "\$m/out"
    mount --bind "$out" "\$m/out"
fi
if [ -d "$top/../shared/captures/real" ]; then
    mkdir -p "\$m/shared/captures"
    cp -r "$top/../shared/captures/real" "\$m/shared/captures/real"
fi
chroot "\$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 CI="${CI:-}" ${trusted_env[*]@Q} \
    bash -c 'cd /src && exec "\$@"' -- "\$@"
EOF
)
unshare --mount --propagation private bash -euo pipefail -c "$inner" debian-root "$@"
