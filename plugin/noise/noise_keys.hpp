// SPDX-License-Identifier: GPL-2.0-or-later
// The Noise key log of preference funxmpp.noise_keylog (DESIGN 2.6), read like Wireshark's
// TLS key log: lines appended while capturing are picked up at the next lookup, a changed
// path is read anew, the file is read again from its start when a capture file is closed,
// and a line that is none of the three forms is reported once per reading (a log warning).
#pragma once

#include "ws_compat.h"

#include <epan/prefs.h>

#include <cstddef>

#include "codec/noise_keylog.hpp"

namespace funxmpp::ws {

void register_noise_keylog(module_t *module);

// Copies (plain data) of what the key log holds for a connection: `found` false if nothing.
struct NoiseKeyLookup {
    bool found;
    noise::KeyLine line;
    guint32 line_number;  // in the file, from 1
};
NoiseKeyLookup noise_key_for(noise::KeyLineKind kind, const noise::Key32 &ephemeral_public);
// The WA_SIGNAL_KEY line of an end-to-end payload, by the SHA-256 of its ciphertext (DESIGN 2.8).
NoiseKeyLookup signal_key_for(const noise::Key32 &ciphertext_sha256);
// The i-th "-" line (transport keys of no named connection), in file order.
NoiseKeyLookup noise_anonymous_key(std::size_t i);
// Whether the preference names a key log file (read or not yet).
bool noise_keylog_set();
// Why no connection can have keys (no key log set, or its file cannot be read), else nullptr.
const char *noise_keylog_problem();

}  // namespace funxmpp::ws
