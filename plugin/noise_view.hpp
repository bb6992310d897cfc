// SPDX-License-Identifier: GPL-2.0-or-later
// How a unit of a successor stream is shown (routing prefix, prologue, handshake message,
// transport frame), and what the first pass learns from it. The bytes come from TCP or from
// WebSocket messages (noise_transport.cpp); this file does not care which.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include "conversation.hpp"

namespace funxmpp::ws {

// First pass: what the unit `u` (whose bytes are `bytes`, u.size of them, or u.header() of them
// when Malformed) means in its connection. Updates the connection's version and handshake progress.
NoiseUnitRecord learn_noise_unit(NoiseConnection *nc, int dir, const noise::StreamUnit &u, const guint8 *bytes);

// Shows one unit; `tvb` holds exactly its bytes. The first unit shown in a packet takes the
// Protocol and Info columns (`columns_taken`).
void show_noise_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, const NoiseConnection *nc, int dir,
                     const NoiseUnitRecord &rec, bool &columns_taken);

// Bytes of a stream lost earlier (an unusable routing prefix): shown as they are.
void show_noise_undecoded(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *parent, int dir, bool first,
                          bool &columns_taken);

}  // namespace funxmpp::ws
