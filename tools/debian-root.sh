#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command inside a throw-away Debian root of another release, with a copy of this
# source tree at /src (and the real captures, where present, at /shared/captures/real).
#   tools/debian-root.sh SUITE [COMMAND...]      e.g. tools/debian-root.sh trixie tools/ci-in-root.sh
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

run=$(mktemp -d "$roots/$suite.run.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/upper" "$run/work" "$run/root"

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
# The source tree as git has it (committed and uncommitted changes, no build folders).
mkdir -p "\$m/src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
    tar -xf - -C "\$m/src"
if [ -d "$top/../shared/captures/real" ]; then
    mkdir -p "\$m/shared/captures"
    cp -r "$top/../shared/captures/real" "\$m/shared/captures/real"
fi
chroot "\$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 CI="${CI:-}" \
    bash -c 'cd /src && exec "\$@"' -- "\$@"
EOF
)
unshare --mount --propagation private bash -euo pipefail -c "$inner" debian-root "$@"
