// SPDX-License-Identifier: GPL-2.0-or-later
// An end-to-end payload opened (DESIGN 2.8): the envelope's ciphertext field decrypted with
// the AES-256-CBC key and IV of its WA_SIGNAL_KEY line (libgcrypt), PKCS#7 unpadded, then
// WhatsApp's random padding removed (last byte n in 1..16, the last n bytes all n): what is
// left is a Message protobuf. A check that fails is said, never guessed around.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/noise.hpp"

namespace funxmpp::e2e {

using Iv = std::array<std::uint8_t, 16>;

enum class PayloadFault : std::uint8_t {
    None,
    NotBlocks,        // the ciphertext is empty or not a whole number of 16-byte blocks
    Crypto,           // libgcrypt refused (no AES-256-CBC)
    Pkcs7,            // the decrypted last block has no valid PKCS#7 padding: the key does not fit
    WhatsAppPadding,  // PKCS#7 fits, but the random padding inside it does not
};
const char *payload_fault_text(PayloadFault f);

struct OpenedPayload {
    PayloadFault fault = PayloadFault::None;
    std::string message;       // the Message protobuf (fault None)
    std::uint8_t padding = 0;  // WhatsApp's random padding length (1..16)
};
OpenedPayload open_payload(std::string_view ciphertext, const noise::Key32 &key, const Iv &iv);

// AES-256-CBC over whole 16-byte blocks, in place (libgcrypt); false if libgcrypt refuses.
// The end-to-end layer's cipher, for payloads and media files alike.
bool aes256_cbc(std::string &data, const noise::Key32 &key, const Iv &iv, bool encrypt);
// n in 1..limit with the last n bytes of `data` all n (PKCS#7, WhatsApp's padding); 0 otherwise.
std::uint8_t trailing_padding(std::string_view data, std::size_t limit);
// PKCS#7 padding to a whole number of 16-byte blocks, appended.
void pkcs7_pad(std::string &data);

// For the generator and tests: `message`, padded with `padding` (1..16) bytes of that value as
// WhatsApp does, then PKCS#7, encrypted. Empty on a libgcrypt failure.
std::string seal_payload(std::string_view message, std::uint8_t padding, const noise::Key32 &key, const Iv &iv);

}  // namespace funxmpp::e2e
