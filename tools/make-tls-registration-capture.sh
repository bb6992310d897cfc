#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes captures/tls/registration-over-tls.pcapng and its TLS key log: a /v2/register request
# and its JSON answer over TLS on loopback, between Debian's openssl s_client and s_server
# with a throw-away self-signed certificate, captured with dumpcap. Run as root (port 443
# and capturing on lo). Not run by the tests: its output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=captures/tls
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=v.whatsapp.net -days 1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
body='{"status":"ok","login":"34600000007","pw":"FBMSERAPDg0MCwoJCAcGBQQDAgE=","type":"existing","expiration":4444444444,"kind":"free"}'
answer=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "${#body}" "$body")
dumpcap -q -i lo -f 'tcp port 443' -w "$work/capture.pcapng" &
sleep 2
(sleep 2; printf '%s' "$answer"; sleep 2) |
    openssl s_server -accept 127.0.0.1:443 -cert "$work/cert.pem" -key "$work/key.pem" -naccept 1 -quiet >/dev/null 2>&1 &
sleep 1
# (printf straight into the pipe: $(...) would strip the request's final CR LF)
(printf 'GET /v2/register?cc=34&in=600000007&id=%%01%%02%%03&code=654321&lg=en&lc=US HTTP/1.1\r\nHost: v.whatsapp.net\r\nAccept: text/json\r\n\r\n'
 sleep 4) |
    openssl s_client -connect 127.0.0.1:443 -servername v.whatsapp.net -keylogfile "$work/keys.log" -quiet >/dev/null 2>&1 || true
sleep 2
kill %1 2>/dev/null || true
wait %1 2>/dev/null || true
install -m 644 "$work/capture.pcapng" "$out/registration-over-tls.pcapng"
install -m 644 "$work/keys.log" "$out/registration-over-tls.keys"
echo "$out/registration-over-tls.pcapng"
