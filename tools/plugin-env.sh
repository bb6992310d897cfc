# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every script that runs tshark with the plugin from the build tree. tshark run as
# root ignores plugin folders (DESIGN 2.1), so as root it runs as nobody, on copies of the
# plugin and of the captures in a fresh folder that nobody can read.
# Needs: PLUGIN_DIR (e.g. build/plugins). Sets: WORK (scratch folder, removed on exit).
# Gives: stage FILE (prints the readable copy's path), run_as_user CMD..., run_tshark ARGS...

if ! command -v tshark >/dev/null; then
    echo "skipped: tshark is not installed (tools/setup-debian.sh installs it)"; exit 77
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

# A plugin built with -DFUNXMPP_SANITIZE=ON loads into Debian's tshark with the sanitizer
# runtimes preloaded (FUNXMPP_SANITIZER_PRELOAD: their paths, set by the sanitizer build's
# tests). Any report aborts tshark. Leaks are not checked (tshark itself frees little at
# exit), and extcap helpers are not run (they would start with the runtimes preloaded).
sanitizer_env=()
if [ -n "${FUNXMPP_SANITIZER_PRELOAD:-}" ]; then
    mkdir -p "$WORK/extcap"
    sanitizer_env=(LD_PRELOAD="$FUNXMPP_SANITIZER_PRELOAD" WIRESHARK_EXTCAP_DIR="$WORK/extcap"
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:verify_asan_link_order=0
        UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1)
fi

run_as_user() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$WORK" && setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" ${sanitizer_env[@]+"${sanitizer_env[@]}"} "$@")
    else
        (cd "$WORK" && env HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" ${sanitizer_env[@]+"${sanitizer_env[@]}"} "$@")
    fi
}

run_tshark() {
    run_as_user tshark "$@"
}
