// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/noise.hpp"

#include <gcrypt.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "codec/aes_handles.hpp"
#include "codec/crypto.hpp"
#include "codec/handshake.hpp"

namespace funxmpp::noise {

namespace {

// crypto.cpp initialises libgcrypt (if Wireshark has not) in everything it constructs; a
// throwaway Mac4 is the public way to get there once.
void ensure_gcrypt()
{
    static const bool ready = (Mac4(Key{}), true);
    (void)ready;
}

gcry_buffer_t buffer(const void *data, std::size_t size)
{
    gcry_buffer_t b{};
    b.size = b.len = size;
    b.data = const_cast<void *>(data);
    return b;
}

gcry_buffer_t buffer(std::string_view s)
{
    return buffer(s.data(), s.size());
}

// SHA-256, or HMAC-SHA256 keyed with parts[0]. gcry_md_hash_buffers reports errors where
// gcry_md_hash_buffer would abort.
bool sha256(Key32 &out, std::initializer_list<gcry_buffer_t> parts, bool hmac = false)
{
    ensure_gcrypt();
    gcry_buffer_t iov[4];
    int n = 0;
    for (const gcry_buffer_t &p : parts)
        if (n < 4)
            iov[n++] = p;
    return n == static_cast<int>(parts.size()) &&
           gcry_md_hash_buffers(GCRY_MD_SHA256, hmac ? GCRY_MD_FLAG_HMAC : 0, out.data(), iov, n) == 0;
}

gcry_cipher_hd_t gcm(const Key32 &key, std::uint32_t counter, std::string_view ad)
{
    ensure_gcrypt();
    gcry_cipher_hd_t h = aes256_handle(AesMode::Gcm, key);
    if (h == nullptr)
        return nullptr;
    std::uint8_t iv[12] = {0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(counter >> 24),
                           static_cast<std::uint8_t>(counter >> 16), static_cast<std::uint8_t>(counter >> 8),
                           static_cast<std::uint8_t>(counter)};
    if (gcry_cipher_setiv(h, iv, sizeof iv) != 0 || (!ad.empty() && gcry_cipher_authenticate(h, ad.data(), ad.size()) != 0))
        return nullptr;
    return h;
}

std::uint8_t *bytes_of(std::string &s)
{
    return reinterpret_cast<std::uint8_t *>(s.data());
}

}  // namespace

std::string_view as_view(const Key32 &k)
{
    return {reinterpret_cast<const char *>(k.data()), k.size()};
}

std::optional<Key32> key_from(std::string_view bytes)
{
    if (bytes.size() != kKeyLength)
        return std::nullopt;
    Key32 k;
    std::memcpy(k.data(), bytes.data(), k.size());
    return k;
}

std::optional<Key32> x25519(const Key32 &private_key, const Key32 &public_key)
{
    ensure_gcrypt();
    // Clamped here so the result does not depend on whether libgcrypt clamps.
    Key32 scalar = private_key;
    scalar[0] &= 248;
    scalar[31] = static_cast<std::uint8_t>((scalar[31] & 127) | 64);
    Key32 out;
    if (gcry_ecc_mul_point(GCRY_ECC_CURVE25519, out.data(), scalar.data(), public_key.data()) != 0)
        return std::nullopt;
    // A low-order point gives all zeros (libgcrypt 1.10 does not object): no secret in that.
    return out == Key32{} ? std::nullopt : std::optional<Key32>(out);
}

std::optional<Key32> x25519_public(const Key32 &private_key)
{
    Key32 base{};
    base[0] = 9;  // u = 9, little-endian
    return x25519(private_key, base);
}

std::optional<Key32> sha256_digest(std::string_view data)
{
    Key32 out;
    return sha256(out, {buffer(data)}) ? std::optional<Key32>(out) : std::nullopt;
}

std::optional<std::string> hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                                       std::size_t length)
{
    // RFC 5869: PRK = HMAC(salt, ikm); T(i) = HMAC(PRK, T(i-1) || info || i), i from 1.
    if (length > 255 * kKeyLength)
        return std::nullopt;
    Key32 prk, t;
    if (!sha256(prk, {buffer(salt), buffer(ikm)}, true))
        return std::nullopt;
    std::string out;
    out.reserve(length);
    for (std::uint8_t i = 1; out.size() < length; ++i) {
        const bool ok = i == 1 ? sha256(t, {buffer(prk.data(), prk.size()), buffer(info), buffer(&i, 1)}, true)
                               : sha256(t, {buffer(prk.data(), prk.size()), buffer(t.data(), t.size()), buffer(info),
                                            buffer(&i, 1)}, true);
        if (!ok)
            return std::nullopt;
        out.append(reinterpret_cast<const char *>(t.data()), std::min(t.size(), length - out.size()));
    }
    return out;
}

std::optional<Key32> hmac_sha256(std::string_view key, std::string_view a, std::string_view b)
{
    Key32 out;
    return sha256(out, {buffer(key), buffer(a), buffer(b)}, true) ? std::optional<Key32>(out) : std::nullopt;
}

std::optional<std::array<Key32, 2>> hkdf(const Key32 &salt, std::string_view ikm)
{
    const std::optional<std::string> okm = hkdf_sha256(as_view(salt), ikm, {}, 2 * kKeyLength);
    if (!okm)
        return std::nullopt;
    std::array<Key32, 2> t;
    std::memcpy(t[0].data(), okm->data(), kKeyLength);
    std::memcpy(t[1].data(), okm->data() + kKeyLength, kKeyLength);
    return t;
}

std::optional<std::string> gcm_seal(const Key32 &key, std::uint32_t counter, std::string_view plaintext,
                                    std::string_view ad)
{
    gcry_cipher_hd_t h = gcm(key, counter, ad);
    if (h == nullptr)
        return std::nullopt;
    std::string out(plaintext.size() + kTagLength, '\0');
    bool ok = gcry_cipher_final(h) == 0 &&
              gcry_cipher_encrypt(h, bytes_of(out), plaintext.size(), plaintext.data(), plaintext.size()) == 0 &&
              gcry_cipher_gettag(h, bytes_of(out) + plaintext.size(), kTagLength) == 0;
    return ok ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

std::optional<std::string> gcm_open(const Key32 &key, std::uint32_t counter, std::string_view sealed,
                                    std::string_view ad)
{
    if (sealed.size() < kTagLength)
        return std::nullopt;
    gcry_cipher_hd_t h = gcm(key, counter, ad);
    if (h == nullptr)
        return std::nullopt;
    const std::size_t n = sealed.size() - kTagLength;
    std::string out(n, '\0');
    bool ok = gcry_cipher_final(h) == 0 && gcry_cipher_decrypt(h, bytes_of(out), n, sealed.data(), n) == 0 &&
              gcry_cipher_checktag(h, sealed.data() + n, kTagLength) == 0;
    return ok ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

SymmetricState::SymmetricState(std::string_view prologue)
{
    static const char kName[] = "Noise_XX_25519_AESGCM_SHA256\0\0\0\0";  // 32 bytes: used as is
    static_assert(sizeof kName == kKeyLength + 1, "protocol name is one hash long");
    std::memcpy(h_.data(), kName, kKeyLength);
    ck_ = h_;
    mix_hash(prologue);
}

void SymmetricState::mix_hash(std::string_view data)
{
    Key32 next;
    if (sha256(next, {buffer(h_.data(), h_.size()), buffer(data)}))
        h_ = next;
    else
        failed_ = true;
}

bool SymmetricState::mix_key(const Key32 &dh_output)
{
    auto out = hkdf(ck_, as_view(dh_output));
    if (!out) {
        failed_ = true;
        return false;
    }
    ck_ = (*out)[0];
    k_ = (*out)[1];
    n_ = 0;
    has_key_ = true;
    return true;
}

std::optional<std::string> SymmetricState::encrypt_and_hash(std::string_view plaintext)
{
    if (failed_)
        return std::nullopt;
    std::optional<std::string> c = has_key_ ? gcm_seal(k_, n_++, plaintext, as_view(h_)) : std::string(plaintext);
    if (c)
        mix_hash(*c);
    return failed_ ? std::nullopt : c;
}

std::optional<std::string> SymmetricState::decrypt_and_hash(std::string_view ciphertext)
{
    if (failed_)
        return std::nullopt;
    std::optional<std::string> p = has_key_ ? gcm_open(k_, n_++, ciphertext, as_view(h_)) : std::string(ciphertext);
    if (p)
        mix_hash(ciphertext);
    return failed_ ? std::nullopt : p;
}

std::optional<std::array<Key32, 2>> SymmetricState::split() const
{
    if (failed_)
        return std::nullopt;
    return hkdf(ck_, {});
}

std::optional<XxHandshake> make_xx_handshake(std::string_view prologue, const XxKeys &keys,
                                             std::string_view certificate, std::string_view client_payload)
{
    auto ec = x25519_public(keys.client_ephemeral), sc = x25519_public(keys.client_static);
    auto es = x25519_public(keys.server_ephemeral), ss = x25519_public(keys.server_static);
    if (!ec || !sc || !es || !ss)
        return std::nullopt;
    // Each side keeps its own state; a DH is only mixed in after both agree on its value.
    SymmetricState client(prologue), server(prologue);
    auto dh = [](SymmetricState &a, SymmetricState &b, std::optional<Key32> x, std::optional<Key32> y) {
        return x && y && *x == *y && a.mix_key(*x) && b.mix_key(*y);
    };
    // One message: the writer seals, the reader must open the same plaintext.
    auto send = [](SymmetricState &writer, SymmetricState &reader, std::string_view plaintext) {
        auto c = writer.encrypt_and_hash(plaintext);
        auto p = c ? reader.decrypt_and_hash(*c) : std::nullopt;
        return p && *p == plaintext ? c : std::nullopt;
    };

    XxHandshake out;
    client.mix_hash(as_view(*ec));
    server.mix_hash(as_view(*ec));
    out.client_hello = encode_client_hello(as_view(*ec));

    client.mix_hash(as_view(*es));
    server.mix_hash(as_view(*es));
    if (!dh(server, client, x25519(keys.server_ephemeral, *ec), x25519(keys.client_ephemeral, *es)))
        return std::nullopt;
    auto server_static = send(server, client, as_view(*ss));
    if (!server_static ||
        !dh(server, client, x25519(keys.server_static, *ec), x25519(keys.client_ephemeral, *ss)))
        return std::nullopt;
    auto cert = send(server, client, certificate);
    if (!cert)
        return std::nullopt;
    out.server_hello = encode_server_hello(as_view(*es), *server_static, *cert);

    auto client_static = send(client, server, as_view(*sc));
    if (!client_static ||
        !dh(client, server, x25519(keys.client_static, *es), x25519(keys.server_ephemeral, *sc)))
        return std::nullopt;
    auto payload = send(client, server, client_payload);
    if (!payload)
        return std::nullopt;
    out.client_finish = encode_client_finish(*client_static, *payload);

    auto c_keys = client.split(), s_keys = server.split();
    if (!c_keys || !s_keys || *c_keys != *s_keys || client.hash() != server.hash())
        return std::nullopt;
    out.c2s = (*c_keys)[0];
    out.s2c = (*c_keys)[1];
    out.hash = client.hash();
    return out;
}

XxOpened open_xx_handshake(std::string_view prologue, const XxObserved &seen, const Key32 &client_ephemeral_private,
                           const Key32 &client_static_private)
{
    XxOpened r;
    auto fail = [&r](XxProblem p) {
        r.problem = p;
        return r;
    };
    auto ec = key_from(seen.client_ephemeral), es = key_from(seen.server_ephemeral);
    auto ec_mine = x25519_public(client_ephemeral_private), sc_mine = x25519_public(client_static_private);
    if (!ec || !es || !ec_mine || !sc_mine)
        return fail(XxProblem::Refused);
    if (*ec != *ec_mine)
        return fail(XxProblem::WrongEphemeral);

    SymmetricState st(prologue);
    st.mix_hash(seen.client_ephemeral);
    st.mix_hash(seen.server_ephemeral);
    auto dh = [&st](const Key32 &priv, const Key32 &pub) {
        auto shared = x25519(priv, pub);
        return shared && st.mix_key(*shared);
    };
    if (!dh(client_ephemeral_private, *es))
        return fail(XxProblem::Refused);
    auto ss = st.decrypt_and_hash(seen.server_static);
    auto ss_key = ss ? key_from(*ss) : std::nullopt;
    if (!ss_key)
        return fail(XxProblem::ServerStatic);
    r.server_static = *ss_key;
    if (!dh(client_ephemeral_private, *ss_key))
        return fail(XxProblem::Refused);
    auto cert = st.decrypt_and_hash(seen.server_payload);
    if (!cert)
        return fail(XxProblem::Certificate);
    r.certificate = std::move(*cert);
    // The client static opens with the ephemeral DHs alone: it must also be the logged key's.
    auto sc = st.decrypt_and_hash(seen.client_static);
    auto sc_key = sc ? key_from(*sc) : std::nullopt;
    if (!sc_key)
        return fail(XxProblem::ClientStatic);
    r.client_static = *sc_key;
    if (*sc_key != *sc_mine)
        return fail(XxProblem::ClientStatic);
    if (!dh(client_static_private, *es))
        return fail(XxProblem::Refused);
    auto payload = st.decrypt_and_hash(seen.client_payload);
    if (!payload)
        return fail(XxProblem::ClientPayload);
    r.client_payload = std::move(*payload);
    auto keys = st.split();
    if (!keys)
        return fail(XxProblem::Refused);
    r.c2s = (*keys)[0];
    r.s2c = (*keys)[1];
    r.hash = st.hash();
    return r;
}

}  // namespace funxmpp::noise
