// SPDX-License-Identifier: GPL-2.0-or-later
// FunXMPP session crypto (spec section 5) on libgcrypt, the library Wireshark links:
// PBKDF2-HMAC-SHA1 key derivation, RC4 with the first bytes dropped, truncated HMAC-SHA1,
// and the per-direction frame layouts of WAUTH-1 (WA 1.2) and WAUTH-2 (WA 1.4-1.6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace funxmpp {

enum class AuthMechanism : std::uint8_t { Wauth1, Wauth2 };

constexpr std::size_t kKeySize = 20;
constexpr std::size_t kMacSize = 4;
using Key = std::array<std::uint8_t, kKeySize>;

// The mechanism a version logs in with: WAUTH-1 for WA 1.2, WAUTH-2 from 1.4; none before.
std::optional<AuthMechanism> mechanism_for_minor(std::uint8_t minor);

// WAUTH-1: one key (PBKDF2, 16 iterations, salt = nonce), used for everything.
// WAUTH-2: K1..K4 (PBKDF2, 2 iterations, salt = nonce || i): client RC4, client MAC,
//          server RC4, server MAC.
struct SessionKeys {
    AuthMechanism mechanism = AuthMechanism::Wauth2;
    std::array<Key, 4> k{};
    std::size_t count = 0;  // 1 (WAUTH-1) or 4 (WAUTH-2)
};

// `password` is the account secret as bytes (the base64-decoded registration password).
// Nothing here throws: what libgcrypt refuses (in FIPS mode it refuses RC4) comes back as
// keys with count 0, or a cipher that is not usable().
SessionKeys derive_keys(AuthMechanism mechanism, std::string_view password, std::string_view nonce);

// Standard base64 (RFC 4648, '=' padding optional); nullopt when not base64.
std::optional<std::string> base64_decode(std::string_view text);
// Standard base64 with '=' padding.
std::string base64_encode(std::string_view bytes);

// RC4 whose first `drop` keystream bytes are discarded. Not copyable: its state is the
// position in the stream.
class Rc4 {
public:
    Rc4(const std::uint8_t *key, std::size_t key_size, std::size_t drop);
    ~Rc4();
    Rc4(const Rc4 &) = delete;
    Rc4 &operator=(const Rc4 &) = delete;
    bool ok() const { return handle_ != nullptr; }     // false: libgcrypt refused (nothing is applied)
    void apply(std::uint8_t *data, std::size_t size);  // encrypts = decrypts

private:
    void *handle_;  // gcry_cipher_hd_t
};

// First 4 bytes of HMAC-SHA1(key, data [|| u32be(seq)]), with the key set up once.
class Mac4 {
public:
    explicit Mac4(const Key &key);
    ~Mac4();
    Mac4(const Mac4 &) = delete;
    Mac4 &operator=(const Mac4 &) = delete;
    bool ok() const { return handle_ != nullptr; }  // false: libgcrypt refused (MACs are all zero)
    std::array<std::uint8_t, kMacSize> compute(std::string_view data, const std::uint32_t *seq = nullptr);

private:
    void *handle_;  // gcry_mac_hd_t
};

std::array<std::uint8_t, kMacSize> mac4(const Key &key, std::string_view data, const std::uint32_t *seq = nullptr);

// One direction of an encrypted session: its RC4 stream, MAC key and sequence number.
// Frames must go through it in stream order, each exactly once.
class DirectionCipher {
public:
    enum class Side : std::uint8_t { Client, Server };
    DirectionCipher(const SessionKeys &keys, Side side);

    struct Opened {
        bool mac_valid = false;
        std::string plaintext;
    };
    // An encrypted frame payload: ciphertext and MAC in this mechanism's order for this side.
    Opened open_frame(std::string_view payload);
    std::string seal_frame(std::string_view plaintext);
    // The login blob (data of <response> or fast-login <auth>): MAC in front on every
    // version. Only for the client side, and first in its stream.
    Opened open_blob(std::string_view blob);
    std::string seal_blob(std::string_view plaintext);

    std::uint32_t sequence() const { return seq_; }
    // False when libgcrypt refused a part: nothing opens (every MAC fails).
    bool usable() const { return mac_->ok() && rc4_->ok(); }

private:
    Opened open(std::string_view payload, bool mac_first);
    std::string seal(std::string_view plaintext, bool mac_first);
    std::array<std::uint8_t, kMacSize> mac(std::string_view ciphertext);

    AuthMechanism mechanism_;
    Side side_;
    std::unique_ptr<Mac4> mac_;
    std::unique_ptr<Rc4> rc4_;
    std::uint32_t seq_ = 0;
};

// The blob's plaintext must start with the phone number and the nonce (spec 5.4).
bool blob_plaintext_matches(std::string_view plaintext, std::string_view phone, std::string_view nonce);

}  // namespace funxmpp
