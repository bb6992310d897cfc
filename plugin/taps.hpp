// SPDX-License-Identifier: GPL-2.0-or-later
// The tap "funxmpp": one record per frame payload the dissector saw, feeding the statistics
// (tshark -z funxmpp,tree) and the decoded-stream view (tshark -z funxmpp,xml).
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include <string>
#include <string_view>
#include <vector>

namespace funxmpp::ws {

enum class TapFrame : guint8 {
    Plaintext,    // a stanza in a plaintext frame
    Decrypted,    // a stanza in a decrypted frame
    Encrypted,    // an encrypted frame that was not decrypted
    MacMismatch,  // an encrypted frame whose MAC did not match
    KeepAlive,
    Malformed,    // a frame whose stanza did not decode
    Handshake,    // a successor handshake message (`handshake` says which)
    TagMismatch,  // a successor transport frame whose AES-GCM tag did not match
};

struct TapRecord {  // allocated in pinfo->pool
    TapFrame frame;
    bool decrypted;         // the frame was encrypted and decrypted (its stanza, or keep-alive)
    guint8 direction;       // 0 client to server, 1 server to client
    guint32 stream;         // TCP stream number
    guint32 length;         // frame payload bytes
    const char *tag, *type, *peer, *xml;  // the stanza (nullptr when none decoded)
    const char *head[4];    // its top-level element's type, from, to and id attributes (nullptr: none)
    const char *login;      // a login stanza's outcome ("the password fits", ...), else nullptr
    const char *handshake;  // Handshake: "Noise ClientHello (XX)", ...
    const char *json;       // the stanza's end-to-end Messages that opened, as JSON, one a line
    const char *summary;    // the stanza's part of the Info column, else nullptr
    const char *version, *client, *server;  // "1.5", "10.0.0.2:49206", "10.0.0.1:5222"
};

void register_taps(int proto);
int funxmpp_tap();

// A record as the conversation views show it: the stanza's canonical XML, or one XML comment
// saying what the frame was (encrypted and why, keep-alive, handshake message, malformed).
std::string record_line(const TapRecord &r);
// Each end-to-end Message of the record, as JSON, in order (views into r.json).
std::vector<std::string_view> record_messages(const TapRecord &r);
// Each end-to-end Message of the record as a line ("e2e {json}"), in order.
std::vector<std::string> record_e2e_lines(const TapRecord &r);
// A record in a few words, as the Info column names it (the arrow label of the flow graph).
std::string record_summary(const TapRecord &r);

}  // namespace funxmpp::ws
