// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/media_file.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <cstring>

#include "codec/signal_payload.hpp"

namespace funxmpp::e2e {

namespace {

constexpr std::size_t kBlock = 16;

// The message types whose key schedule clients agree on (Baileys' MEDIA_HKDF_KEY_MAPPING, by
// the message that names the file). A video note (ptvMessage) and a GIF are VideoMessages.
constexpr MediaKind kKinds[] = {
    {"Message.ImageMessage", "image", "Image"},
    {"Message.VideoMessage", "video", "Video"},
    {"Message.AudioMessage", "audio", "Audio"},
    {"Message.DocumentMessage", "document", "Document"},
    {"Message.StickerMessage", "sticker", "Image"},
    {"Message.HistorySyncNotification", "history sync", "History"},
    {"PaymentBackground.MediaData", "payment background", "Payment Background"},
};

std::string info_of(std::string_view hkdf_type)
{
    std::string info = "WhatsApp ";
    info += hkdf_type;
    info += " Keys";
    return info;
}

std::optional<noise::Key32> mac_of(const MediaKeys &k, std::string_view ciphertext)
{
    return noise::hmac_sha256(noise::as_view(k.mac_key),
                              std::string_view(reinterpret_cast<const char *>(k.iv.data()), k.iv.size()), ciphertext);
}

// mac10: the HMAC's first 10 bytes.
bool same_mac(const noise::Key32 &mac, std::string_view given)
{
    return given.size() == kMediaMacLength && std::memcmp(mac.data(), given.data(), kMediaMacLength) == 0;
}

}  // namespace

const MediaKind *media_kind_of(std::string_view message_type)
{
    for (const MediaKind &k : kKinds)
        if (message_type == k.message_type)
            return &k;
    return nullptr;
}

std::optional<MediaKeys> media_keys(std::string_view media_key, std::string_view hkdf_type)
{
    if (media_key.size() != kMediaKeyLength)
        return std::nullopt;
    const std::string zero_salt(32, '\0');
    const std::optional<std::string> okm = noise::hkdf_sha256(zero_salt, media_key, info_of(hkdf_type), 112);
    if (!okm)
        return std::nullopt;
    MediaKeys k;
    std::memcpy(k.iv.data(), okm->data(), 16);
    std::memcpy(k.cipher_key.data(), okm->data() + 16, 32);
    std::memcpy(k.mac_key.data(), okm->data() + 48, 32);
    return k;
}

const char *media_fault_text(MediaFault f)
{
    switch (f) {
    case MediaFault::None: return "verified";
    case MediaFault::KeyLength: return "the message's mediaKey is not 32 bytes";
    case MediaFault::NotBlocks: return "the body is not whole 16-byte blocks followed by a 10-byte MAC (cut short?)";
    case MediaFault::Mac: return "the MAC does not fit: not the file the message names, or altered";
    case MediaFault::Padding: return "the MAC fits but the decrypted padding does not";
    case MediaFault::FileHash: return "decrypted, but its SHA-256 is not the message's fileSha256";
    case MediaFault::Crypto: return "libgcrypt refused (no HMAC-SHA256 or AES-256-CBC)";
    }
    return "?";
}

OpenedMedia open_media(std::string_view enc, std::string_view media_key, std::string_view hkdf_type,
                       std::string_view file_sha256)
{
    OpenedMedia out;
    if (media_key.size() != kMediaKeyLength) {
        out.fault = MediaFault::KeyLength;
        return out;
    }
    if (enc.size() < kBlock + kMediaMacLength || (enc.size() - kMediaMacLength) % kBlock != 0) {
        out.fault = MediaFault::NotBlocks;
        return out;
    }
    const std::optional<MediaKeys> keys = media_keys(media_key, hkdf_type);
    const std::string_view ciphertext = enc.substr(0, enc.size() - kMediaMacLength);
    const std::optional<noise::Key32> mac = keys ? mac_of(*keys, ciphertext) : std::nullopt;
    if (!mac) {
        out.fault = MediaFault::Crypto;
        return out;
    }
    if (!same_mac(*mac, enc.substr(ciphertext.size()))) {
        out.fault = MediaFault::Mac;
        return out;
    }
    std::string file(ciphertext);
    if (!aes256_cbc(file, keys->cipher_key, keys->iv, false)) {
        out.fault = MediaFault::Crypto;
        return out;
    }
    const std::uint8_t pad = trailing_padding(file, kBlock);
    if (pad == 0) {
        out.fault = MediaFault::Padding;
        return out;
    }
    file.resize(file.size() - pad);
    if (!file_sha256.empty()) {
        const std::optional<noise::Key32> hash = noise::sha256_digest(file);
        if (!hash) {
            out.fault = MediaFault::Crypto;
            return out;
        }
        if (noise::as_view(*hash) != file_sha256) {
            out.fault = MediaFault::FileHash;
            return out;
        }
        out.hash_checked = true;
    }
    out.file = std::move(file);
    return out;
}

std::string seal_media(std::string_view file, std::string_view media_key, std::string_view hkdf_type)
{
    const std::optional<MediaKeys> keys = media_keys(media_key, hkdf_type);
    if (!keys)
        return {};
    std::string data(file);
    pkcs7_pad(data);
    const std::optional<noise::Key32> mac =
        aes256_cbc(data, keys->cipher_key, keys->iv, true) ? mac_of(*keys, data) : std::nullopt;
    if (!mac)
        return {};
    data.append(reinterpret_cast<const char *>(mac->data()), kMediaMacLength);
    return data;
}

std::string extension_for_mimetype(std::string_view mimetype)
{
    static constexpr std::pair<const char *, const char *> kKnown[] = {
        {"image/jpeg", "jpg"},  {"image/png", "png"},       {"image/webp", "webp"},  {"image/gif", "gif"},
        {"video/mp4", "mp4"},   {"video/3gpp", "3gp"},      {"audio/ogg", "ogg"},    {"audio/mpeg", "mp3"},
        {"audio/mp4", "m4a"},   {"audio/aac", "aac"},       {"audio/amr", "amr"},    {"application/pdf", "pdf"},
        {"text/plain", "txt"},  {"application/zip", "zip"}, {"text/vcard", "vcf"},
    };
    std::string type(mimetype.substr(0, mimetype.find(';')));
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto &[name, extension] : kKnown)
        if (type == name)
            return extension;
    const std::size_t slash = type.find('/');
    const std::string subtype = slash == std::string::npos ? std::string() : type.substr(slash + 1);
    const bool word = !subtype.empty() && subtype.size() <= 10 &&
                      std::all_of(subtype.begin(), subtype.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    return word ? subtype : "bin";
}

std::vector<MediaReference> media_references(const ProtoSchema &schema, const DecodedMessage &decoded,
                                             std::string_view message)
{
    // The message types that can name a file: those with a fileEncSha256 field (of the schema
    // seen last; in the dissector there is one).
    static const ProtoSchema *seen = nullptr;
    static std::vector<bool> names_files;
    if (seen != &schema) {
        names_files.assign(schema.messages.size(), false);
        for (std::size_t t = 0; t < names_files.size(); ++t)
            for (const ProtoField &f : schema.messages[t].fields)
                names_files[t] = names_files[t] || f.name == "fileEncSha256";
        seen = &schema;
    }
    std::vector<MediaReference> out;
    for (const ProtoItem &m : decoded.items) {
        if (!m.message || m.message_type < 0 || static_cast<std::size_t>(m.message_type) >= names_files.size() ||
            !names_files[static_cast<std::size_t>(m.message_type)] ||
            m.value_offset + m.value_length > message.size())
            continue;
        MediaReference r;
        r.message_type = schema.messages[static_cast<std::size_t>(m.message_type)].name;
        r.kind = media_kind_of(r.message_type);
        r.field = m.name;
        r.offset = m.offset;
        r.length = m.length;
        // Its fields read from its own bytes: the whole Message's display items may stop short of them.
        const std::string_view own = message.substr(m.value_offset, m.value_length);
        const DecodedMessage fields = decode_message(schema, m.message_type,
                                                     reinterpret_cast<const std::uint8_t *>(own.data()), own.size(), false);
        for (const ProtoItem &f : fields.items) {
            if (f.depth != 0)
                continue;
            const std::string_view value = f.value_offset + f.value_length <= own.size()
                                               ? own.substr(f.value_offset, f.value_length)
                                               : std::string_view();
            if (f.name == "mediaKey")
                r.media_key = value;
            else if (f.name == "fileEncSha256")
                r.file_enc_sha256 = value;
            else if (f.name == "fileSha256")
                r.file_sha256 = value;
            else if (f.name == "mimetype")
                r.mimetype = value;
            else if (f.name == "fileName")
                r.file_name = value;
            else if (f.name == "directPath")
                r.direct_path = value;
            else if (f.name == "url")
                r.url = value;
            else if (f.name == "fileLength" && !f.mismatch)
                r.file_length = f.scalar;
            else if (f.name == "ptt" && !f.mismatch)
                r.ptt = f.scalar != 0;
        }
        // A hash to find its transfer by is what makes it a media file.
        if (r.file_enc_sha256.size() == 32)
            out.push_back(std::move(r));
    }
    return out;
}

}  // namespace funxmpp::e2e
