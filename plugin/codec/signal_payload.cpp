// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/signal_payload.hpp"

#include <gcrypt.h>

#include "codec/aes_handles.hpp"

namespace funxmpp::e2e {

namespace {

constexpr std::size_t kBlock = 16;

}  // namespace

bool aes256_cbc(std::string &data, const noise::Key32 &key, const Iv &iv, bool encrypt)
{
    gcry_cipher_hd_t h = aes256_handle(AesMode::Cbc, key);
    auto *bytes = reinterpret_cast<unsigned char *>(data.data());
    return h != nullptr && gcry_cipher_setiv(h, iv.data(), iv.size()) == 0 &&
           (encrypt ? gcry_cipher_encrypt(h, bytes, data.size(), nullptr, 0)
                    : gcry_cipher_decrypt(h, bytes, data.size(), nullptr, 0)) == 0;
}

std::uint8_t trailing_padding(std::string_view data, std::size_t limit)
{
    if (data.empty())
        return 0;
    const auto n = static_cast<std::uint8_t>(data.back());
    if (n == 0 || n > limit || n > data.size())
        return 0;
    for (std::size_t i = data.size() - n; i < data.size(); ++i)
        if (static_cast<std::uint8_t>(data[i]) != n)
            return 0;
    return n;
}

void pkcs7_pad(std::string &data)
{
    const std::size_t pkcs7 = kBlock - data.size() % kBlock;
    data.append(pkcs7, static_cast<char>(pkcs7));
}

const char *payload_fault_text(PayloadFault f)
{
    switch (f) {
    case PayloadFault::None: return "opened";
    case PayloadFault::NotBlocks: return "the ciphertext is not a whole number of 16-byte blocks";
    case PayloadFault::Crypto: return "libgcrypt has no AES-256-CBC";
    case PayloadFault::Pkcs7: return "no valid PKCS#7 padding after decryption: the key or IV does not fit";
    case PayloadFault::WhatsAppPadding: return "the PKCS#7 padding fits, but WhatsApp's random padding inside it does not";
    }
    return "?";
}

OpenedPayload open_payload(std::string_view ciphertext, const noise::Key32 &key, const Iv &iv)
{
    OpenedPayload out;
    if (ciphertext.empty() || ciphertext.size() % kBlock != 0) {
        out.fault = PayloadFault::NotBlocks;
        return out;
    }
    std::string plain(ciphertext);
    if (!aes256_cbc(plain, key, iv, false)) {
        out.fault = PayloadFault::Crypto;
        return out;
    }
    const std::uint8_t pkcs7 = trailing_padding(plain, kBlock);
    if (pkcs7 == 0) {
        out.fault = PayloadFault::Pkcs7;
        return out;
    }
    plain.resize(plain.size() - pkcs7);
    out.padding = trailing_padding(plain, 16);
    if (out.padding == 0) {
        out.fault = PayloadFault::WhatsAppPadding;
        return out;
    }
    plain.resize(plain.size() - out.padding);
    out.message = std::move(plain);
    return out;
}

std::string seal_payload(std::string_view message, std::uint8_t padding, const noise::Key32 &key, const Iv &iv)
{
    std::string data(message);
    data.append(padding, static_cast<char>(padding));
    pkcs7_pad(data);
    return aes256_cbc(data, key, iv, true) ? data : std::string();
}

}  // namespace funxmpp::e2e
