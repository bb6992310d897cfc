// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end payloads (DESIGN 2.8): AES-256-CBC (libgcrypt, checked against NIST SP 800-38A),
// PKCS#7, then WhatsApp's random padding; every check that fails is said.
#include <gtest/gtest.h>

#include <string>

#include "codec/signal_payload.hpp"
#include "codec/text.hpp"

using namespace funxmpp;
using namespace funxmpp::e2e;

namespace {

std::string unhex(std::string_view h)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
        out += static_cast<char>(hex_digit_value(h[i]) << 4 | hex_digit_value(h[i + 1]));
    return out;
}

template <class A> A array_of(std::string_view h)
{
    A a{};
    const std::string b = unhex(h);
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

const noise::Key32 kKey = array_of<noise::Key32>("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const Iv kIv = array_of<Iv>("000102030405060708090a0b0c0d0e0f");

TEST(SignalPayload, AesCbcIsNists)
{
    // SP 800-38A F.2.5 (CBC-AES256.Encrypt), blocks 1 and 2: CBC's first blocks do not depend
    // on what follows them, so the padded seal starts with the published ciphertext.
    const std::string plain = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    const std::string sealed = seal_payload(plain, 1, kKey, kIv);
    ASSERT_EQ(sealed.size(), 48u);
    EXPECT_EQ(sealed.substr(0, 32), unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"));
}

TEST(SignalPayload, EveryPaddingAndLengthOpens)
{
    for (std::size_t length = 0; length <= 40; ++length)
        for (std::uint8_t padding = 1; padding <= 16; ++padding) {
            const std::string message(length, static_cast<char>('a' + length % 26));
            const OpenedPayload p = open_payload(seal_payload(message, padding, kKey, kIv), kKey, kIv);
            ASSERT_EQ(p.fault, PayloadFault::None) << length << " " << int(padding);
            EXPECT_EQ(p.message, message);
            EXPECT_EQ(p.padding, padding);
        }
}

TEST(SignalPayload, Faults)
{
    const std::string sealed = seal_payload("\x0a\x05Hello", 3, kKey, kIv);
    EXPECT_EQ(open_payload(sealed.substr(0, 15), kKey, kIv).fault, PayloadFault::NotBlocks);
    EXPECT_EQ(open_payload("", kKey, kIv).fault, PayloadFault::NotBlocks);
    noise::Key32 other = kKey;
    other[0] ^= 1;
    EXPECT_EQ(open_payload(sealed, other, kIv).fault, PayloadFault::Pkcs7);
    // PKCS#7 alone, without WhatsApp's padding: the message's last byte ('c') is no padding.
    EXPECT_EQ(open_payload(seal_payload("abc", 0, kKey, kIv), kKey, kIv).fault, PayloadFault::WhatsAppPadding);
    EXPECT_TRUE(open_payload(sealed, other, kIv).message.empty());  // nothing invented
    EXPECT_STRNE(payload_fault_text(PayloadFault::Pkcs7), "?");
}

}  // namespace
