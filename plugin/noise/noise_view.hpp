// SPDX-License-Identifier: GPL-2.0-or-later
// How a unit of a successor stream is shown (routing prefix, prologue, handshake message,
// transport frame), and what the first pass learns from it. The bytes come from TCP or from
// WebSocket messages (noise_transport.cpp); this file does not care which.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include "conversation.hpp"

namespace funxmpp::ws {

// First pass: what the unit `u` means in its connection; `bytes` are the `captured` bytes of it
// there are (u.size of them, or fewer when the capture cut a unit that `on_wire` says was whole).
// Updates the connection's version and handshake progress.
NoiseUnitRecord learn_noise_unit(NoiseConnection *nc, int dir, const noise::StreamUnit &u, const guint8 *bytes,
                                 std::size_t captured, std::size_t on_wire);

// Shows one unit; `tvb` holds exactly its bytes. The first unit shown in a packet takes the
// Protocol and Info columns (`columns_taken`).
void show_noise_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, ConversationState *st, int dir,
                     const NoiseUnitRecord &rec, bool &columns_taken);

// Bytes shown as they are: the rest of a unit the capture cut short (Continuation), the first
// bytes after a gap or where Wireshark could not hand over a whole message (LostHere: an
// expert item says the stream cannot be followed), or any later bytes of such a stream.
enum class Undecoded { Continuation, LostHere, Lost };
void show_noise_undecoded(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *parent, int dir, Undecoded why,
                          bool &columns_taken);

}  // namespace funxmpp::ws
