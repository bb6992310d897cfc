// SPDX-License-Identifier: GPL-2.0-or-later
// Successor-protocol sessions for funxmpp-capture-gen: Noise XX handshakes computed for real
// (codec/noise), encrypted transport frames of MD nodes, over TCP (with or without the
// routing prefix) or in WebSocket messages over plain HTTP.
//
// A script whose first version line names 2.x or later is a successor script:
//   version X.Y                 the prologue's version (5.2, 6.2 and 6.3 have node dictionaries)
//   transport tcp|websocket [deflate]
//                               connections that follow: plain TCP, or WebSocket after an HTTP
//                               upgrade (client messages masked; deflate: permessage-deflate)
//   client/server/start/seed    as for FunXMPP scripts
//   keys CE CS SE SS            the four private keys (hex) of the connections that follow (default:
//                               random ones for each)
//   certificate HEX / client-payload HEX
//                               plaintexts the handshake encrypts (ServerHello, ClientFinish)
//   connect / close / wait S    TCP (and the upgrade); a new connection starts a new handshake
//   routing HEX                 queue the routing prefix "ED" 00 01 with this routing info
//   prologue                    queue "WA" major minor
//   c client-hello / s server-hello / c client-finish
//                               queue the XX handshake's messages
//   c|s <xml>, c|s compressed <xml>
//                               queue a transport frame: flags byte (0, or 2 + zlib) and the MD
//                               node, AES-GCM-sealed with the direction's key and next counter
//   c|s garbage N               a transport frame of N random bytes
//   c|s frame HEX / c|s bytes HEX
//                               a frame with this payload, or bytes as they are (no expectation)
//   analyst-keylog client|transport|anonymous|wrong|none
//                               the key log line the analyst gets for each connection that follows
//                               (written to .keylog; default none): WA_NOISE_CLIENT, WA_NOISE_TRANSPORT
//                               with the ephemeral key or "-", or one with wrong keys; what must
//                               decrypt (stanzas in .xml, .tree, .decrypted, .stream) follows from it
//   keylog LINE                 a line for .keylog as it is (a test vector's secrets)
//   c ik-client-hello / s ik-server-hello
//                               queue a made-up IK ClientHello (random static key and payload) and
//                               ServerHello; the connection's transport keys are then random
//   expect c|s info TEXT | field NAME VALUE | expert NAME | stanza XML | transport
//                               what the unit queued last must show; "stanza": it decrypts to
//                               this node; "transport": it stands where a transport frame is due
//                               and takes the next counter
//   send c|s [N,N,...] [with-foreign HEX] [drop]
//                               send what is queued: TCP segments, or WebSocket messages, of N
//                               bytes; with-foreign: a WebSocket message of other data (HEX)
//                               first, in the same TCP segment; drop: the segments are not in the
//                               capture (with keys the next frame must be found again by its tag,
//                               without, the direction is lost: its bytes show undecoded)
//   resend c|s                  the side's last segment again (a TCP retransmission): nothing new
//   media NAME FIELD MIMETYPE file PATH|random N [name FILE_NAME] [ptt] [fault bad-mac|bad-hash|short-key]
//                               a media file (DESIGN 2.9) the Message field FIELD (imageMessage, ...)
//                               names: random media key, sealed; {{signal-media TYPE NAME}} is a
//                               payload of that Message; a fault is in the body (its MAC), in the
//                               message's fileSha256, or its mediaKey (31 bytes)
//   c http-media NAME / c http-media-get NAME / s http-media NAME [TYPE|none]
//                               queue an upload (POST of the body), a download's GET, or the
//                               answer carrying the body (HTTP/1.1; application/octet-stream,
//                               or the content type TYPE, or none)
//   c http2-media-get NAME / s http2-media NAME
//                               the download over h2c (prior knowledge), stream 1 of its own
//                               connection: preface, SETTINGS, HEADERS, DATA frames
// Outputs: .noise ("<packet>\t<field>\t<value>", and "_ws.col.Info" lines where no decrypted
// stanza's summary is in the column), .expert, .keylog (the analyst's DESIGN 2.6 lines),
// .plain ("<packet>\t<c|s>\t<xml>" per transport frame's node), and the FunXMPP outputs
// (.xml, .tree, .decrypted, .stream: the stanzas the analyst's key log opens).
#pragma once

#include <string>

namespace funxmpp::capture {

// Whether a script's version line names the successor protocol (2.x and later).
bool is_successor_version(const std::string &version);

// Runs a successor script (every line of it) and writes STEM.pcap and its expectations.
void run_noise_script(std::istream &script, const std::string &stem);

}  // namespace funxmpp::capture
