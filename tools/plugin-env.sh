# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every script that runs tshark with the plugin from the build tree. tshark run as
# root ignores plugin folders (DESIGN 2.1), so as root it runs as nobody, on copies of the
# plugin and of the captures in a fresh folder that nobody can read.
# Needs: PLUGIN_DIR (e.g. build/plugins). Sets: WORK (scratch folder, removed on exit).
# Gives: stage FILE (prints the readable copy's path), run_as_user CMD..., run_tshark ARGS...

if ! command -v tshark >/dev/null; then
    echo "skipped: tshark is not installed"; exit 77
fi
[ -d "$PLUGIN_DIR" ] || { echo "no plugin in $PLUGIN_DIR: build first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
cp -r "$PLUGIN_DIR" "$WORK/plugins"
mkdir -p "$WORK/home"
chmod -R a+rX "$WORK"
chmod a+w "$WORK/home"

stage() {
    local dest
    dest="$WORK/$(basename "$1")"
    cp "$1" "$dest" && chmod 644 "$dest" && echo "$dest"
}

run_as_user() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$WORK" && setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" "$@")
    else
        (cd "$WORK" && env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" "$@")
    fi
}

run_tshark() {
    run_as_user tshark "$@"
}
