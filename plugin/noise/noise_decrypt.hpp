// SPDX-License-Identifier: GPL-2.0-or-later
// Decryption of successor connections from the Noise key log (DESIGN 2.6), on the first pass:
// what each handshake message lets the key log open, and each transport frame's plaintext.
// Later passes show what the records kept.
#pragma once

#include "ws_compat.h"

#include "conversation.hpp"

namespace funxmpp::ws {

// A whole frame that the first pass has just given its role: notes what the handshake says
// and decrypts a transport frame when the connection's keys are known. `payload` is the
// frame's payload (after its 3-byte length).
void learn_noise_secrets(NoiseConnection *nc, int dir, NoiseUnitRecord &rec, const guint8 *payload, guint32 length);

}  // namespace funxmpp::ws
