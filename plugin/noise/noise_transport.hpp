// SPDX-License-Identifier: GPL-2.0-or-later
// Where the successor's bytes come from: a TCP stream (tcp_dissect_pdus over its units) or
// the binary messages of a WebSocket connection (Wireshark's WebSocket dissector unmasks and
// inflates them; frames are reassembled here per direction across messages).
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include "conversation.hpp"

namespace funxmpp::ws {

// A successor connection on TCP; `base` is TCP's sequence number of the tvb's first byte.
void dissect_noise_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ConversationState *st, int dir,
                       StreamPosition base, bool desegment);

// Registers the WebSocket heuristic (handoff).
void register_noise_websocket(int proto);

}  // namespace funxmpp::ws
