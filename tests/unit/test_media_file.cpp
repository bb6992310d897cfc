// SPDX-License-Identifier: GPL-2.0-or-later
// Media files of the end-to-end layer (DESIGN 2.9): the key schedule, opening and its checks
// against vectors Node's crypto module made (an independent HKDF, AES and HMAC), and the media
// files a Message names, wherever they nest.
#include <gtest/gtest.h>

#include <string>

#include "codec/media_file.hpp"
#include "codec/protobuf.hpp"
#include "codec/text.hpp"

using namespace funxmpp;
using namespace funxmpp::e2e;
using protobuf::put_bytes;
using protobuf::put_uint;

namespace {

std::string unhex(const std::string &h)
{
    return *parse_hex(h);
}

// node: hkdfSync('sha256', key, Buffer.alloc(32), 'WhatsApp Image Keys', 112); AES-256-CBC;
// HMAC-SHA256(macKey, iv || ciphertext).subarray(0, 10).
const std::string kMediaKey = unhex("030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc");
const std::string kImageFile = "a picture, not really";
const std::string kImageEnc =
    unhex("a77f585dc3236dc2e30b381c8f26921bea6441d06ca3187b06fbbd859257cfef4ae313575a7c8914404e");
const std::string kImageFileSha = unhex("78effd8c0359b9879d1815469d65cf2af0f59b5702da49cde4d099d2a5c0a56e");
const std::string kAudioEnc = unhex(
    "fdd3d16e1b06acaa0500b0172b2caf41b64789150d11f9a8ec09a83e5e4f38ebc52f3f8c3ce5e60f9789af38c612317aa9f91870a9d9c48b6891");

std::string view_of(const std::array<std::uint8_t, 16> &a) { return std::string(a.begin(), a.end()); }
std::string view_of(const noise::Key32 &a) { return std::string(a.begin(), a.end()); }

}  // namespace

TEST(MediaKeys, HkdfWithTheTypesInfo)
{
    const auto k = media_keys(kMediaKey, "Image");
    ASSERT_TRUE(k);
    const std::string okm = unhex("8e3add67a8e213bb5ba720aefec08e70f28ccb828cad4115ee17d8640e41f91d0aff2d4f628f8acd42ab5d50"
                                  "aa821e62cb0591f77d5f2e9cfb38b559d97e555b1dc833bf8b95f1e801b7532032df2aa8");
    EXPECT_EQ(view_of(k->iv), okm.substr(0, 16));
    EXPECT_EQ(view_of(k->cipher_key), okm.substr(16, 32));
    EXPECT_EQ(view_of(k->mac_key), okm.substr(48, 32));
    EXPECT_FALSE(media_keys(kMediaKey.substr(1), "Image"));
    EXPECT_NE(view_of(media_keys(kMediaKey, "Audio")->cipher_key), view_of(k->cipher_key));
}

TEST(MediaFile, OpensWhatNodeSealed)
{
    OpenedMedia o = open_media(kImageEnc, kMediaKey, "Image", kImageFileSha);
    EXPECT_EQ(o.fault, MediaFault::None);
    EXPECT_TRUE(o.hash_checked);
    EXPECT_EQ(o.file, kImageFile);
    // A whole block of padding (32 bytes of file), no fileSha256 to check against.
    o = open_media(kAudioEnc, kMediaKey, "Audio", "");
    EXPECT_EQ(o.fault, MediaFault::None);
    EXPECT_FALSE(o.hash_checked);
    EXPECT_EQ(o.file, std::string(32, 'A'));
    EXPECT_EQ(seal_media(kImageFile, kMediaKey, "Image"), kImageEnc);
}

TEST(MediaFile, EveryCheckSaysWhatFailed)
{
    EXPECT_EQ(open_media(kImageEnc, kMediaKey.substr(0, 31), "Image", "").fault, MediaFault::KeyLength);
    EXPECT_EQ(open_media(kImageEnc.substr(0, kImageEnc.size() - 1), kMediaKey, "Image", "").fault, MediaFault::NotBlocks);
    EXPECT_EQ(open_media(kImageEnc.substr(0, 10), kMediaKey, "Image", "").fault, MediaFault::NotBlocks);
    EXPECT_EQ(open_media("", kMediaKey, "Image", "").fault, MediaFault::NotBlocks);
    std::string flipped = kImageEnc;
    flipped[3] ^= 1;
    EXPECT_EQ(open_media(flipped, kMediaKey, "Image", "").fault, MediaFault::Mac);
    // The right bytes under another type's keys: the MAC does not fit either.
    EXPECT_EQ(open_media(kImageEnc, kMediaKey, "Video", "").fault, MediaFault::Mac);
    EXPECT_EQ(open_media(kImageEnc, kMediaKey, "Image", std::string(32, 'x')).fault, MediaFault::FileHash);
    EXPECT_TRUE(open_media(flipped, kMediaKey, "Image", "").file.empty());
}

TEST(MediaFile, BadPaddingUnderAGoodMac)
{
    // What only someone with the key could make: a changed last block under a recomputed MAC.
    // The padding check still refuses what does not unpad.
    const auto k = media_keys(kMediaKey, "Document");
    ASSERT_TRUE(k);
    const std::string sealed = seal_media(std::string(15, 'z'), kMediaKey, "Document");
    ASSERT_EQ(sealed.size(), 16u + kMediaMacLength);
    std::string ciphertext = sealed.substr(0, 16);
    ciphertext[15] ^= 0x55;
    const auto mac = noise::hmac_sha256(view_of(k->mac_key), view_of(k->iv), ciphertext);
    ASSERT_TRUE(mac);
    const std::string forged = ciphertext + std::string(mac->begin(), mac->begin() + kMediaMacLength);
    EXPECT_EQ(open_media(forged, kMediaKey, "Document", "").fault, MediaFault::Padding);
}

TEST(MediaKinds, TheTypesClientsAgreeOn)
{
    EXPECT_STREQ(media_kind_of("Message.ImageMessage")->hkdf_type, "Image");
    EXPECT_STREQ(media_kind_of("Message.StickerMessage")->hkdf_type, "Image");
    EXPECT_STREQ(media_kind_of("Message.AudioMessage")->hkdf_type, "Audio");
    EXPECT_STREQ(media_kind_of("Message.HistorySyncNotification")->hkdf_type, "History");
    EXPECT_EQ(media_kind_of("Message.MessageHistoryBundle"), nullptr);
    EXPECT_EQ(media_kind_of("Message"), nullptr);
}

TEST(MediaReferences, WhereverTheyNest)
{
    std::string image;
    put_bytes(image, 1, "https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m231/abc");
    put_bytes(image, 2, "image/jpeg");
    put_bytes(image, 4, kImageFileSha);
    put_uint(image, 5, kImageFile.size());
    put_bytes(image, 8, kMediaKey);
    put_bytes(image, 9, std::string(32, '\x11'));
    put_bytes(image, 11, "/o1/v/t62.7118-24/f1/m231/abc");
    std::string document;
    put_bytes(document, 2, "application/pdf");
    put_bytes(document, 7, kMediaKey);
    put_bytes(document, 8, "minutes.pdf");
    put_bytes(document, 9, std::string(32, '\x22'));
    std::string sent;  // a device-sent copy: the document inside another Message
    put_bytes(sent, 1, "4915112345678@s.whatsapp.net");
    std::string inner;
    put_bytes(inner, 7, document);
    put_bytes(sent, 2, inner);
    std::string audio;  // a voice note whose hash is not 32 bytes: not a file to look for
    put_uint(audio, 6, 1);
    put_bytes(audio, 8, std::string(31, '\x33'));
    std::string message;
    put_bytes(message, 3, image);
    put_bytes(message, 31, sent);
    put_bytes(message, 8, audio);

    const ProtoSchema &s = waproto_schema();
    const DecodedMessage d =
        decode_message(s, s.message_index("Message"), reinterpret_cast<const std::uint8_t *>(message.data()), message.size());
    ASSERT_TRUE(d.ok());
    const std::vector<MediaReference> refs = media_references(s, d, message);
    ASSERT_EQ(refs.size(), 2u);
    EXPECT_EQ(refs[0].field, "imageMessage");
    EXPECT_STREQ(refs[0].kind->hkdf_type, "Image");
    EXPECT_EQ(refs[0].mimetype, "image/jpeg");
    EXPECT_EQ(refs[0].media_key, kMediaKey);
    EXPECT_EQ(refs[0].file_sha256, kImageFileSha);
    EXPECT_EQ(refs[0].file_enc_sha256, std::string(32, '\x11'));
    EXPECT_EQ(refs[0].direct_path, "/o1/v/t62.7118-24/f1/m231/abc");
    ASSERT_TRUE(refs[0].file_length);
    EXPECT_EQ(*refs[0].file_length, kImageFile.size());
    EXPECT_EQ(refs[1].field, "documentMessage");
    EXPECT_EQ(refs[1].message_type, "Message.DocumentMessage");
    EXPECT_EQ(refs[1].file_name, "minutes.pdf");
    EXPECT_FALSE(refs[1].file_length);
}

TEST(MediaReferences, ExtensionsFromMimetypes)
{
    EXPECT_EQ(extension_for_mimetype("image/jpeg"), "jpg");
    EXPECT_EQ(extension_for_mimetype("audio/ogg; codecs=opus"), "ogg");
    EXPECT_EQ(extension_for_mimetype("Image/PNG"), "png");
    EXPECT_EQ(extension_for_mimetype("application/x-tar"), "bin");
    EXPECT_EQ(extension_for_mimetype("model/gltf"), "gltf");
    EXPECT_EQ(extension_for_mimetype(""), "bin");
    EXPECT_EQ(extension_for_mimetype("../../etc"), "bin");
}
