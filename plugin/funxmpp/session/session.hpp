// SPDX-License-Identifier: GPL-2.0-or-later
// The login and encryption state of FunXMPP connections (spec 5), without Wireshark: which
// stanzas log in, which keys they derive, whether the password fits, and the per-direction
// ciphers that decrypt the frames after them. The dissector feeds it each frame once, in
// stream order (its first pass), and keeps what it answers for later passes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "codec/crypto.hpp"
#include "codec/decoder.hpp"
#include "codec/version.hpp"

namespace funxmpp {

// An account's secret as the analyst gave it (or as the registration API returned it).
struct Credentials {
    std::string password;   // bytes (base64-decoded)
    std::string nonce;      // bytes, may be empty: the nonce of a fast re-login
    std::string source;     // where the password came from, for the tree ("passwords table")
    bool password_invalid = false;  // the table's entry is not base64: nothing can be derived
};
using CredentialLookup = std::function<std::optional<Credentials>(const std::string &phone)>;

// What a capture has taught about accounts across its connections: the nonce each
// <success> hands out for the next (fast) login.
struct CaptureMemory {
    std::map<std::string, std::string> next_nonce;  // phone -> nonce
    std::map<std::string, Credentials> registered;  // phone -> password from a registration answer
};

// What a login needs of a stanza: its top-level tag, the account and mechanism it names, and
// its data (a nonce or a blob).
struct LoginStanza {
    std::string tag, user, mechanism, content;
    bool has_data = false;
};

// Only these stanzas move a login on: a look at the tag (top_level_tag) spares decoding the
// messages and receipts of a session when nothing else reads them.
bool may_move_login(std::string_view tag);

// Collects a LoginStanza from the decoder's events (one decode may feed it and others).
class LoginStanzaCollector final : public DecodeHandler {
public:
    explicit LoginStanzaCollector(LoginStanza &out) : out_(out) {}
    void node_begin(const NodeBegin &n) override;
    void attribute(const Value &key, const Value &value) override;
    void data(const Value &value) override;
    void node_end(std::uint32_t) override { --depth_; }

private:
    LoginStanza &out_;
    unsigned depth_ = 0;
};

enum class LoginProblem : std::uint8_t {
    None,
    NoPassword,     // no password for this phone
    NoNonce,        // fast re-login and no earlier <success> nor table nonce
    WrongPassword,  // the blob does not decrypt to phone || nonce
    InvalidEntry,   // the passwords table's entry for this phone is not base64
    CryptoRefused,  // libgcrypt refused PBKDF2, RC4 or HMAC-SHA1 (e.g. in FIPS mode)
};

// What a login stanza (<auth> with a blob, <response>) did.
struct LoginReport {
    bool login = false;           // this stanza carried a login blob
    bool fast = false;            // <auth> with a blob: a fast re-login
    bool keys_derived = false;
    bool blob_valid = false;
    LoginProblem problem = LoginProblem::None;
    AuthMechanism mechanism = AuthMechanism::Wauth2;
    SessionKeys keys;
    std::string phone, nonce, password_source;
    bool nonce_from_earlier_session = false;
};

enum class Direction : std::uint8_t { ClientToServer = 0, ServerToClient = 1 };

enum class DecryptStatus : std::uint8_t {
    Decrypted,       // MAC verified, plaintext available
    MacMismatch,     // wrong key or a lost segment: this direction stops here
    StoppedEarlier,  // an earlier frame of this direction failed
    NoKeys,          // no successful login seen for this direction
};

struct DecryptResult {
    DecryptStatus status = DecryptStatus::NoKeys;
    std::string plaintext;
};

class ConnectionSession {
public:
    ConnectionSession(Version version, CaptureMemory &memory, CredentialLookup lookup);

    // A plaintext stanza, as one decode of it collected it: follows the login.
    LoginReport observe(Direction dir, const LoginStanza &stanza);
    // The same from the payload's bytes (frame payload, decompressed), decoded here.
    LoginReport observe(Direction dir, const std::uint8_t *stanza, std::size_t size);
    // An encrypted frame payload (MAC included): decrypts it if this direction has keys.
    DecryptResult decrypt(Direction dir, const std::uint8_t *payload, std::size_t size);

private:
    void login(LoginReport &r, const std::string &phone, const std::string &nonce, const std::string &blob);

    Version version_;
    const Dialect *dialect_;
    CaptureMemory &memory_;
    CredentialLookup lookup_;
    std::string phone_;            // from <auth user=...>
    std::string challenge_nonce_;
    std::unique_ptr<DirectionCipher> cipher_[2];
    bool stopped_[2] = {false, false};
    std::optional<AuthMechanism> mechanism_;
};

}  // namespace funxmpp
