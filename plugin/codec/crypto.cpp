// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/crypto.hpp"

#include <algorithm>
#include <gcrypt.h>

#include <cstring>

namespace funxmpp {

namespace {

constexpr std::size_t kWauth1Drop = 256, kWauth2Drop = 768;

// Wireshark initialises libgcrypt itself; standalone programs (tools, tests) need this.
void ensure_gcrypt()
{
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_check_version(nullptr);
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
}

// False when libgcrypt refuses.
bool pbkdf2(std::string_view password, std::string_view salt, unsigned long iterations, Key &out)
{
    ensure_gcrypt();
    out = Key{};
    // libgcrypt refuses an empty passphrase; a one-byte NUL gives a different key, so a
    // password of length 0 derives from nothing usable: fill with zeros instead.
    if (password.empty())
        return true;
    return gcry_kdf_derive(password.data(), password.size(), GCRY_KDF_PBKDF2, GCRY_MD_SHA1, salt.data(), salt.size(),
                           iterations, out.size(), out.data()) == 0;
}

}  // namespace

std::optional<AuthMechanism> mechanism_for_minor(std::uint8_t minor)
{
    if (minor == 2)
        return AuthMechanism::Wauth1;
    if (minor >= 4 && minor <= 6)
        return AuthMechanism::Wauth2;
    return std::nullopt;
}

SessionKeys derive_keys(AuthMechanism mechanism, std::string_view password, std::string_view nonce)
{
    SessionKeys keys;
    keys.mechanism = mechanism;
    if (mechanism == AuthMechanism::Wauth1) {
        keys.count = pbkdf2(password, nonce, 16, keys.k[0]) ? 1 : 0;
        return keys;
    }
    std::string salt(nonce);
    salt.push_back('\0');
    for (int i = 0; i < 4; ++i) {
        salt.back() = static_cast<char>(i + 1);
        if (!pbkdf2(password, salt, 2, keys.k[static_cast<std::size_t>(i)]))
            return keys;  // count 0: refused
    }
    keys.count = 4;
    return keys;
}

std::string base64_encode(std::string_view bytes)
{
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k)
            v = v << 8 | (k < n ? static_cast<std::uint8_t>(bytes[i + k]) : 0);
        for (std::size_t k = 0; k < 4; ++k)
            out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 0x3F] : '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    };
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    unsigned bits = 0, acc = 0;
    for (char c : text) {
        int v = value(c);
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

Rc4::Rc4(const std::uint8_t *key, std::size_t key_size, std::size_t drop) : handle_(nullptr)
{
    ensure_gcrypt();
    gcry_cipher_hd_t h;
    if (gcry_cipher_open(&h, GCRY_CIPHER_ARCFOUR, GCRY_CIPHER_MODE_STREAM, 0) != 0)
        return;  // RC4 unavailable (FIPS mode)
    if (gcry_cipher_setkey(h, key, key_size) != 0) {
        gcry_cipher_close(h);
        return;  // key refused
    }
    handle_ = h;
    std::uint8_t discard[256];
    while (drop > 0) {
        std::size_t n = drop < sizeof discard ? drop : sizeof discard;
        std::memset(discard, 0, n);
        gcry_cipher_encrypt(h, discard, n, nullptr, 0);
        drop -= n;
    }
}

Rc4::~Rc4()
{
    if (handle_ != nullptr)
        gcry_cipher_close(static_cast<gcry_cipher_hd_t>(handle_));
}

void Rc4::apply(std::uint8_t *data, std::size_t size)
{
    if (size > 0 && handle_ != nullptr)
        gcry_cipher_encrypt(static_cast<gcry_cipher_hd_t>(handle_), data, size, nullptr, 0);
}

Mac4::Mac4(const Key &key) : handle_(nullptr)
{
    ensure_gcrypt();
    gcry_mac_hd_t h;
    if (gcry_mac_open(&h, GCRY_MAC_HMAC_SHA1, 0, nullptr) != 0)
        return;  // HMAC-SHA1 unavailable
    if (gcry_mac_setkey(h, key.data(), key.size()) != 0) {
        gcry_mac_close(h);
        return;
    }
    handle_ = h;
}

Mac4::~Mac4()
{
    if (handle_ != nullptr)
        gcry_mac_close(static_cast<gcry_mac_hd_t>(handle_));
}

std::array<std::uint8_t, kMacSize> Mac4::compute(std::string_view data, const std::uint32_t *seq)
{
    std::array<std::uint8_t, kMacSize> out{};
    auto h = static_cast<gcry_mac_hd_t>(handle_);
    if (h == nullptr)
        return out;
    gcry_mac_reset(h);  // keeps the key
    gcry_mac_write(h, data.data(), data.size());
    if (seq != nullptr) {
        std::uint8_t s[4] = {static_cast<std::uint8_t>(*seq >> 24), static_cast<std::uint8_t>(*seq >> 16),
                             static_cast<std::uint8_t>(*seq >> 8), static_cast<std::uint8_t>(*seq)};
        gcry_mac_write(h, s, sizeof s);
    }
    std::uint8_t full[20];
    std::size_t len = sizeof full;
    gcry_mac_read(h, full, &len);
    std::memcpy(out.data(), full, kMacSize);
    return out;
}

std::array<std::uint8_t, kMacSize> mac4(const Key &key, std::string_view data, const std::uint32_t *seq)
{
    return Mac4(key).compute(data, seq);
}

DirectionCipher::DirectionCipher(const SessionKeys &keys, Side side) : mechanism_(keys.mechanism), side_(side)
{
    if (mechanism_ == AuthMechanism::Wauth1) {
        mac_ = std::make_unique<Mac4>(keys.k[0]);
        rc4_ = std::make_unique<Rc4>(keys.k[0].data(), kKeySize, kWauth1Drop);
    } else {
        const std::size_t base = side == Side::Client ? 0 : 2;
        mac_ = std::make_unique<Mac4>(keys.k[base + 1]);
        rc4_ = std::make_unique<Rc4>(keys.k[base].data(), kKeySize, kWauth2Drop);
    }
}

std::array<std::uint8_t, kMacSize> DirectionCipher::mac(std::string_view ciphertext)
{
    if (mechanism_ == AuthMechanism::Wauth1)
        return mac_->compute(ciphertext);
    std::uint32_t seq = seq_++;
    return mac_->compute(ciphertext, &seq);
}

DirectionCipher::Opened DirectionCipher::open(std::string_view payload, bool mac_first)
{
    Opened r;
    if (payload.size() < kMacSize || !usable())
        return r;
    std::string_view mac_bytes = mac_first ? payload.substr(0, kMacSize) : payload.substr(payload.size() - kMacSize);
    std::string_view ciphertext = mac_first ? payload.substr(kMacSize) : payload.substr(0, payload.size() - kMacSize);
    auto expected = mac(ciphertext);
    r.mac_valid = std::memcmp(expected.data(), mac_bytes.data(), kMacSize) == 0;
    r.plaintext.assign(ciphertext);
    rc4_->apply(reinterpret_cast<std::uint8_t *>(r.plaintext.data()), r.plaintext.size());
    return r;
}

std::string DirectionCipher::seal(std::string_view plaintext, bool mac_first)
{
    std::string ciphertext(plaintext);
    rc4_->apply(reinterpret_cast<std::uint8_t *>(ciphertext.data()), ciphertext.size());
    auto m = mac(ciphertext);
    std::string mac_bytes(m.begin(), m.end());
    return mac_first ? mac_bytes + ciphertext : ciphertext + mac_bytes;
}

// WAUTH-1 servers put the MAC first; every other frame has it last (spec 5.5).
DirectionCipher::Opened DirectionCipher::open_frame(std::string_view payload)
{
    return open(payload, mechanism_ == AuthMechanism::Wauth1 && side_ == Side::Server);
}

std::string DirectionCipher::seal_frame(std::string_view plaintext)
{
    return seal(plaintext, mechanism_ == AuthMechanism::Wauth1 && side_ == Side::Server);
}

DirectionCipher::Opened DirectionCipher::open_blob(std::string_view blob)
{
    return open(blob, true);
}

std::string DirectionCipher::seal_blob(std::string_view plaintext)
{
    return seal(plaintext, true);
}

bool blob_plaintext_matches(std::string_view plaintext, std::string_view phone, std::string_view nonce)
{
    return !phone.empty() && plaintext.size() >= phone.size() + nonce.size() &&
           plaintext.substr(0, phone.size()) == phone && plaintext.substr(phone.size(), nonce.size()) == nonce;
}

}  // namespace funxmpp
