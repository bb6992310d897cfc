// SPDX-License-Identifier: GPL-2.0-or-later
// Noise as WhatsApp's successor protocol uses it (SUCCESSOR 2.3, 2.4):
// Noise_XX_25519_AESGCM_SHA256 with the "WA" prologue, on libgcrypt (X25519, HKDF-SHA256,
// AES-256-GCM). Nothing here throws: what libgcrypt refuses or what does not verify comes
// back as false / nullopt.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace funxmpp::noise {

constexpr std::size_t kKeyLength = 32;
constexpr std::size_t kTagLength = 16;
using Key32 = std::array<std::uint8_t, kKeyLength>;

std::string_view as_view(const Key32 &k);
// 32 bytes -> key; nullopt for any other size.
std::optional<Key32> key_from(std::string_view bytes);

// X25519 (RFC 7748). The private key is clamped as RFC 7748 says.
std::optional<Key32> x25519(const Key32 &private_key, const Key32 &public_key);
std::optional<Key32> x25519_public(const Key32 &private_key);

// SHA-256 of the bytes.
std::optional<Key32> sha256_digest(std::string_view data);

// HKDF-SHA256 (RFC 5869): `length` bytes (at most 255 * 32).
std::optional<std::string> hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                                       std::size_t length);
// HMAC-SHA256(key, a || b).
std::optional<Key32> hmac_sha256(std::string_view key, std::string_view a, std::string_view b = {});
// HKDF-SHA256(salt, ikm, info = "", L = 64), split into its two halves.
std::optional<std::array<Key32, 2>> hkdf(const Key32 &salt, std::string_view ikm);

// AES-256-GCM with the nonce 00 x 8 || u32be(counter); the 16-byte tag follows the ciphertext.
std::optional<std::string> gcm_seal(const Key32 &key, std::uint32_t counter, std::string_view plaintext,
                                    std::string_view ad = {});
std::optional<std::string> gcm_open(const Key32 &key, std::uint32_t counter, std::string_view sealed,
                                    std::string_view ad = {});

// The handshake's symmetric state: h, ck, and the current cipher key with its counter.
class SymmetricState {
public:
    // h = ck = "Noise_XX_25519_AESGCM_SHA256\0\0\0\0", then h = SHA256(h || prologue).
    explicit SymmetricState(std::string_view prologue);
    void mix_hash(std::string_view data);
    bool mix_key(const Key32 &dh_output);                              // ck, k = HKDF(ck, dh); n = 0
    std::optional<std::string> encrypt_and_hash(std::string_view plaintext);
    std::optional<std::string> decrypt_and_hash(std::string_view ciphertext);
    std::optional<std::array<Key32, 2>> split() const;                 // {k_c2s, k_s2c} = HKDF(ck, "")
    const Key32 &hash() const { return h_; }

private:
    Key32 h_{}, ck_{}, k_{};
    std::uint32_t n_ = 0;
    bool has_key_ = false;
    bool failed_ = false;  // libgcrypt refused a step: nothing more encrypts, decrypts or splits
};

// What an XX handshake puts on the wire (the three handshake frames, protobuf-encoded as
// SUCCESSOR 2.2 says) and the keys it ends with. For the capture generator and tests.
struct XxKeys {
    Key32 client_ephemeral, client_static, server_ephemeral, server_static;  // private keys
};
struct XxHandshake {
    std::string client_hello, server_hello, client_finish;  // frame payloads (no length prefix)
    Key32 c2s{}, s2c{}, hash{};
};
std::optional<XxHandshake> make_xx_handshake(std::string_view prologue, const XxKeys &keys,
                                             std::string_view certificate, std::string_view client_payload);

// The XX handshake run by an observer who holds the client's two private keys (DESIGN 2.6,
// WA_NOISE_CLIENT): from the handshake messages' fields as on the wire.
struct XxObserved {
    std::string_view client_ephemeral, server_ephemeral, server_static, server_payload, client_static,
        client_payload;
};
enum class XxProblem : std::uint8_t {
    None,
    WrongEphemeral,      // the key log's ephemeral private key does not give the ClientHello's key
    ServerStatic,        // ServerHello.static does not open (tag)
    Certificate,         // ServerHello.payload does not open
    ClientStatic,        // ClientFinish.static does not open, or is not the client's static key
    ClientPayload,       // ClientFinish.payload does not open
    Refused,             // libgcrypt refused a step, or a key has the wrong size
};
struct XxOpened {
    XxProblem problem = XxProblem::None;
    Key32 server_static{}, client_static{};
    std::string certificate, client_payload;
    Key32 c2s{}, s2c{}, hash{};
};
XxOpened open_xx_handshake(std::string_view prologue, const XxObserved &seen, const Key32 &client_ephemeral_private,
                           const Key32 &client_static_private);

}  // namespace funxmpp::noise
