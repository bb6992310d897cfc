# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the screenshot scripts: Debian's Wireshark GUI with build/plugins under Xvfb
# (1400x1050), run as nobody when root (Wireshark as root ignores plugin folders).
# Defines: stage (a scratch folder, removed on exit), open_wireshark, save_screen.
stage=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$stage"' EXIT
mkdir "$stage/home" && cp -r build/plugins "$stage/"
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1400x1050x24 >/dev/null 2>&1 &
sleep 2
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# CAPTURE PACKET [wireshark options]: Wireshark on the whole screen at PACKET (sets pid).
open_wireshark() {
    local capture=$1 packet=$2 wid
    shift 2
    chmod -R a+rwX "$stage"
    "${as_user[@]}" env HOME="$stage/home" XDG_RUNTIME_DIR="$stage/home" WIRESHARK_PLUGIN_DIR="$stage/plugins" \
        wireshark -r "$capture" -g "$packet" "$@" >/dev/null 2>&1 &
    pid=$!
    sleep 12
    wid=$(xdotool search --name "$(basename "$capture" .pcap)" | head -n 1)
    xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 1050; sleep 2
}

save_screen() {  # OUT [WINDOW]: the screen (or one window of it) to OUT, then Wireshark closed
    import -window "${2:-root}" "$stage/shot.png"
    convert "$stage/shot.png" -colors 256 PNG8:"$1"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    echo "$1"
}
