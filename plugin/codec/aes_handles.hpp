// SPDX-License-Identifier: GPL-2.0-or-later
// AES-256 handles kept open, one per thread and mode, rekeyed only when the key changes.
// Opening a libgcrypt cipher allocates and initialises a context of several KB (GCM's tables
// among them): per Noise frame or Signal payload that cost more than the decryption itself.
#pragma once

#include <array>
#include <cstdint>

#include <gcrypt.h>

namespace funxmpp {

enum class AesMode : std::uint8_t { Gcm, Cbc };

// A handle for AES-256 in `mode`, keyed with `key`, with no IV, data or tag state yet; nullptr
// when libgcrypt refuses. It stays this thread's until its next call for the same mode: the
// caller uses it at once and never closes it.
gcry_cipher_hd_t aes256_handle(AesMode mode, const std::array<std::uint8_t, 32> &key);

}  // namespace funxmpp
