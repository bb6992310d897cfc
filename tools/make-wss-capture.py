#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Makes captures/tls/noise-over-wss.pcapng and its TLS key log: the WebSocket session of a
generated plain-HTTP capture (default captures/noise62-xx-websocket.pcap: the upgrade, then a
Noise handshake and transport frames in WebSocket messages) replayed inside TLS on loopback, as
WhatsApp Web speaks it (wss), each TCP payload of the plain capture written as one TLS record,
in the same order. Python's ssl (OpenSSL) on both ends with a throw-away self-signed
certificate, captured with dumpcap. Run as root (port 443, capturing on lo). Not run by the
tests: its output is committed.

usage: tools/make-wss-capture.py [PLAIN_CAPTURE]"""
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "captures/noise62-xx-websocket.pcap")
out = os.path.join(top, "captures/tls")


def tcp_payloads(path):
    """(from_client, bytes) for every TCP segment with a payload, in capture order (classic
    pcap, Ethernet, IPv4: what funxmpp-capture-gen writes)."""
    data = open(path, "rb").read()
    at, client = 24, None
    while at + 16 <= len(data):
        incl = struct.unpack_from("<I", data, at + 8)[0]
        frame = data[at + 16 : at + 16 + incl]
        at += 16 + incl
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        tcp = ip[ihl:total]
        src = (ip[12:16], tcp[0:2])
        payload = tcp[(tcp[12] >> 4) * 4 :]
        if client is None:
            client = src  # the SYN's sender
        if payload:
            yield src == client, payload


def main():
    segments = list(tcp_payloads(source))
    work = tempfile.mkdtemp()
    key, cert, keys = (os.path.join(work, n) for n in ("key.pem", "cert.pem", "keys.log"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=web.whatsapp.com",
                    "-days", "1", "-keyout", key, "-out", cert], check=True, capture_output=True)
    capture = os.path.join(work, "capture.pcapng")
    dumpcap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", "tcp port 443", "-w", capture])
    time.sleep(2)

    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 443))
    turns = [threading.Semaphore(0), threading.Semaphore(0)]  # whose write is next: 0 client, 1 server

    def run(conn, side):
        # Each side writes its segments when its turn comes and reads the other's in full.
        for i, (from_client, payload) in enumerate(segments):
            writer = 0 if from_client else 1
            if writer == side:
                conn.sendall(payload)
            else:
                got = b""
                while len(got) < len(payload):
                    got += conn.recv(len(payload) - len(got))
            time.sleep(0.01)

    def serve():
        raw, _ = listener.accept()
        with server_ctx.wrap_socket(raw, server_side=True) as conn:
            run(conn, 1)
            time.sleep(0.5)

    thread = threading.Thread(target=serve)
    thread.start()
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.check_hostname = False
    client_ctx.verify_mode = ssl.CERT_NONE
    client_ctx.keylog_filename = keys
    with client_ctx.wrap_socket(socket.create_connection(("127.0.0.1", 443)), server_hostname="web.whatsapp.com") as conn:
        run(conn, 0)
        thread.join()
    listener.close()
    time.sleep(2)
    dumpcap.terminate()
    dumpcap.wait()
    os.makedirs(out, exist_ok=True)
    for src, name in ((capture, "noise-over-wss.pcapng"), (keys, "noise-over-wss.keys")):
        with open(src, "rb") as f, open(os.path.join(out, name), "wb") as g:
            g.write(f.read())
        os.chmod(os.path.join(out, name), 0o644)
    print(os.path.join(out, "noise-over-wss.pcapng"))


main()
