// SPDX-License-Identifier: GPL-2.0-or-later
// The test vectors of spec 5.7.
#include <gtest/gtest.h>

#include "codec/crypto.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

std::string bin(const std::string &h)
{
    auto b = test::hex(h);
    return std::string(b.begin(), b.end());
}

std::string hex_of(const Key &k)
{
    std::string s;
    append_hex(s, std::string_view(reinterpret_cast<const char *>(k.data()), k.size()));
    return s;
}

std::string hex_of(std::string_view b)
{
    std::string s;
    append_hex(s, b);
    return s;
}

const std::string kPassword = *base64_decode("AQIDBAUGBwgJCgsMDQ4PEBESExQ=");
const std::string kNonce = bin("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
const std::string kPhone = "4915112345678";
const std::string kBlobPlaintext = kPhone + kNonce + "1431364583";

TEST(Crypto, Base64)
{
    EXPECT_EQ(hex_of(kPassword), "0102030405060708090a0b0c0d0e0f1011121314");
    EXPECT_EQ(base64_decode("TWFu"), "Man");
    EXPECT_EQ(base64_decode("TWE="), "Ma");
    EXPECT_EQ(base64_decode("TWE"), "Ma");
    EXPECT_FALSE(base64_decode("TW!u"));
    EXPECT_FALSE(base64_decode("T"));
}

TEST(Crypto, Rc4KnownVector)
{
    // (The spec's "Key"/"Plaintext" vector uses a 3-byte key, which libgcrypt refuses as
    // too short; FunXMPP keys are 20 bytes.)
    std::string data = "Attack at dawn";
    Rc4 rc4(reinterpret_cast<const std::uint8_t *>("Secret"), 6, 0);
    rc4.apply(reinterpret_cast<std::uint8_t *>(data.data()), data.size());
    EXPECT_EQ(hex_of(data), "45a01f645fc35b383552544b9bf5");
    // What libgcrypt refuses is reported, never thrown, and applies nothing.
    Rc4 refused(reinterpret_cast<const std::uint8_t *>("Key"), 3, 0);
    EXPECT_FALSE(refused.ok());
    std::string same = "Plaintext";
    refused.apply(reinterpret_cast<std::uint8_t *>(same.data()), same.size());
    EXPECT_EQ(same, "Plaintext");
}

TEST(Crypto, Wauth2KeysOf57)
{
    SessionKeys k = derive_keys(AuthMechanism::Wauth2, kPassword, kNonce);
    ASSERT_EQ(k.count, 4u);
    EXPECT_EQ(hex_of(k.k[0]), "9aba8b88216f4e9dc76e120a8b3429aba63386bc");
    EXPECT_EQ(hex_of(k.k[1]), "aa081e5ed8e864e4b207b04febda69d68466427b");
    EXPECT_EQ(hex_of(k.k[2]), "99d035f126508e4223566c688ef8e7a904dbe5ea");
    EXPECT_EQ(hex_of(k.k[3]), "930662f16e6381c644381321e4cf00092ad1a208");
}

TEST(Crypto, Wauth2BlobAndFirstFrameOf57)
{
    SessionKeys k = derive_keys(AuthMechanism::Wauth2, kPassword, kNonce);
    DirectionCipher client(k, DirectionCipher::Side::Client);
    std::string blob = client.seal_blob(kBlobPlaintext);
    EXPECT_EQ(hex_of(blob), "bbb3a2b8a8ff480bbaef57a5901474bb42aa8dee097fc50824f35cc6d79d7918a73fd6a87133c4f92b446cb36bad7f");
    std::string frame = client.seal_frame(bin("F8 05 81 B5 0F 67 FC 04 54 65 73 74"));
    EXPECT_EQ(hex_of(frame), "857683d0cc06389f34e5a235eb4c21c0");

    // The other way round, as the dissector does it.
    DirectionCipher reader(k, DirectionCipher::Side::Client);
    auto b = reader.open_blob(blob);
    EXPECT_TRUE(b.mac_valid);
    EXPECT_TRUE(blob_plaintext_matches(b.plaintext, kPhone, kNonce));
    auto f = reader.open_frame(frame);
    EXPECT_TRUE(f.mac_valid);
    EXPECT_EQ(hex_of(f.plaintext), "f80581b50f67fc0454657374");
}

TEST(Crypto, Wauth1KeyAndBlobOf57)
{
    SessionKeys k = derive_keys(AuthMechanism::Wauth1, kPassword, kNonce);
    ASSERT_EQ(k.count, 1u);
    EXPECT_EQ(hex_of(k.k[0]), "7f40eac63f48f149c0fab608b8c54629086a42c2");
    DirectionCipher client(k, DirectionCipher::Side::Client);
    EXPECT_EQ(hex_of(client.seal_blob(kBlobPlaintext)),
              "76549c1d7f6c610615353aeb1608a6ea9c9aa07462cb9d402aa85060f85cbee8332d9889ff42af63fce10969d866b4");
}

TEST(Crypto, WrongPasswordFailsTheBlobCheck)
{
    SessionKeys right = derive_keys(AuthMechanism::Wauth2, kPassword, kNonce);
    std::string blob = DirectionCipher(right, DirectionCipher::Side::Client).seal_blob(kBlobPlaintext);
    SessionKeys wrong = derive_keys(AuthMechanism::Wauth2, "not the password", kNonce);
    auto b = DirectionCipher(wrong, DirectionCipher::Side::Client).open_blob(blob);
    EXPECT_FALSE(b.mac_valid);
    EXPECT_FALSE(blob_plaintext_matches(b.plaintext, kPhone, kNonce));
}

TEST(Crypto, MacLayoutsPerMechanismAndSide)
{
    // WAUTH-1 server frames carry the MAC first, everything else last; WAUTH-2 MACs count.
    for (AuthMechanism m : {AuthMechanism::Wauth1, AuthMechanism::Wauth2}) {
        SessionKeys k = derive_keys(m, kPassword, kNonce);
        for (auto side : {DirectionCipher::Side::Client, DirectionCipher::Side::Server}) {
            DirectionCipher w(k, side), r(k, side);
            for (int i = 0; i < 3; ++i) {
                std::string sealed = w.seal_frame("frame " + std::to_string(i));
                auto opened = r.open_frame(sealed);
                EXPECT_TRUE(opened.mac_valid);
                EXPECT_EQ(opened.plaintext, "frame " + std::to_string(i));
            }
            EXPECT_FALSE(r.open_frame("abc").mac_valid);  // shorter than a MAC
        }
    }
    // Skipping a frame desynchronises the rest: the MAC says so.
    SessionKeys k = derive_keys(AuthMechanism::Wauth2, kPassword, kNonce);
    DirectionCipher w(k, DirectionCipher::Side::Server), r(k, DirectionCipher::Side::Server);
    w.seal_frame("lost");
    EXPECT_FALSE(r.open_frame(w.seal_frame("next")).mac_valid);
}

}  // namespace
