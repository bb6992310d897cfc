// SPDX-License-Identifier: GPL-2.0-or-later
// Media files of the end-to-end layer (DESIGN 2.9). A Message names its file (mediaKey,
// fileEncSha256, fileSha256, mimetype, ...); the file travels over HTTPS encrypted:
// enc = AES-256-CBC(file, PKCS#7) || mac10, with iv | cipherKey | macKey = HKDF-SHA256(mediaKey,
// 32 zero bytes, "WhatsApp <Type> Keys", 112) and mac10 the first 10 bytes of
// HMAC-SHA256(macKey, iv || ciphertext). Opening checks the MAC before decrypting and the
// plaintext's SHA-256 after: a file that fails either is never handed out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/noise.hpp"
#include "codec/proto_json.hpp"
#include "codec/proto_schema.hpp"
#include "codec/signal_payload.hpp"

namespace funxmpp::e2e {

constexpr std::size_t kMediaKeyLength = 32;
constexpr std::size_t kMediaMacLength = 10;

// What a WAProto message type that names a media file is, and the <Type> of its HKDF info.
struct MediaKind {
    const char *message_type;  // WAProto's name, e.g. "Message.ImageMessage"
    const char *label;         // for people and file names: "image", "voice note", ...
    const char *hkdf_type;     // "Image" -> "WhatsApp Image Keys"
};
// nullptr: the type is not one whose key schedule is known (an unknown media type).
const MediaKind *media_kind_of(std::string_view message_type);

struct MediaKeys {
    Iv iv;
    noise::Key32 cipher_key, mac_key;
};
// nullopt when the media key is not 32 bytes, or libgcrypt refuses.
std::optional<MediaKeys> media_keys(std::string_view media_key, std::string_view hkdf_type);

enum class MediaFault : std::uint8_t {
    None,
    KeyLength,  // the mediaKey is not 32 bytes
    NotBlocks,  // the body is not one or more 16-byte blocks and a 10-byte MAC
    Mac,        // the MAC does not fit: another file, or altered
    Padding,    // the MAC fits, the PKCS#7 padding does not
    FileHash,   // decrypted, but its SHA-256 is not the message's fileSha256
    Crypto,     // libgcrypt refused
};
const char *media_fault_text(MediaFault f);

struct OpenedMedia {
    MediaFault fault = MediaFault::None;
    bool hash_checked = false;  // the message gave a fileSha256 and it fits
    std::string file;           // fault None: the file
};
// `file_sha256` empty: the message named none (the MAC alone vouches for the file).
OpenedMedia open_media(std::string_view enc, std::string_view media_key, std::string_view hkdf_type,
                       std::string_view file_sha256);
// For the generator and tests: the encrypted body of `file`. Empty if the key does not fit.
std::string seal_media(std::string_view file, std::string_view media_key, std::string_view hkdf_type);

// A media file a Message names: one message of a media type (or any message carrying a
// fileEncSha256, so that an unknown type is said, not skipped), wherever it nests among the
// Message's display items (its own fields are read from its bytes).
struct MediaReference {
    const MediaKind *kind = nullptr;  // nullptr: a type whose key schedule is unknown
    std::string message_type;         // its WAProto name
    std::string field;                // the field that holds it, e.g. "imageMessage"
    std::size_t offset = 0, length = 0;  // that field in the Message's bytes
    std::string media_key, file_enc_sha256, file_sha256, mimetype, file_name, direct_path, url;
    std::optional<std::uint64_t> file_length;
    bool ptt = false;  // an AudioMessage recorded as a voice note
};
// A file name's extension for a mimetype ("image/jpeg" -> "jpg"; parameters ignored); for one
// not in the table, its subtype if that is a plain word, else "bin".
std::string extension_for_mimetype(std::string_view mimetype);

std::vector<MediaReference> media_references(const ProtoSchema &schema, const DecodedMessage &decoded,
                                             std::string_view message);

}  // namespace funxmpp::e2e
