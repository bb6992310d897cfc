# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tshark tests: run_tshark runs tshark with the plugin from the build tree.
# tshark run as root ignores plugin folders (DESIGN 2.1), so as root it runs as nobody,
# on copies of the plugin and captures in a fresh folder that nobody can read.
# Needs: PLUGIN_DIR (build/plugins). Sets: WORK (scratch folder, removed on exit).

if ! command -v tshark >/dev/null; then
    echo "skipped: tshark is not installed"; exit 77
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
cp -r "$PLUGIN_DIR" "$WORK/plugins"
mkdir -p "$WORK/home"
chmod -R a+rX "$WORK"
chmod a+w "$WORK/home"

# stage FILE: a readable copy of FILE in $WORK; prints its path.
stage() {
    local dest="$WORK/$(basename "$1")"
    cp "$1" "$dest" && chmod 644 "$dest" && echo "$dest"
}

run_tshark() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$WORK" && setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" tshark "$@")
    else
        (cd "$WORK" && env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" tshark "$@")
    fi
}

fails=0; passes=0
check() {  # name, then a command whose status decides
    local name=$1; shift
    if "$@"; then passes=$((passes + 1)); echo "ok   $name"; else fails=$((fails + 1)); echo "FAIL $name"; fi
}
same() {  # expected file, actual file
    if diff -u "$1" "$2" >"$WORK/diff"; then return 0; fi
    head -40 "$WORK/diff"; return 1
}
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" = 0 ]
}
