// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/text.hpp"

#include <cstdint>

namespace funxmpp {

std::int32_t next_code_point(std::string_view bytes, std::size_t &i)
{
    const auto *p = reinterpret_cast<const std::uint8_t *>(bytes.data());
    const std::size_t n = bytes.size();
    const std::uint8_t c = p[i];
    if (c < 0x80) {
        ++i;
        return c;
    }
    // Unicode's table of well-formed sequences (3.9, D92): the lead byte fixes the length and
    // the range of the second byte; the others are 80..BF.
    std::size_t len;
    std::uint8_t low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        low = c == 0xE0 ? 0xA0 : 0x80;
        high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        low = c == 0xF0 ? 0x90 : 0x80;
        high = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        ++i;
        return -1;
    }
    std::uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    // An ill-formed sequence is one error for its longest well-formed start (the "maximal
    // subpart"), as Node's decoder (and so protobuf.js) reads it: one U+FFFD, not one per byte.
    for (std::size_t k = 1; k < len; ++k) {
        const std::uint8_t b = i + k < n ? p[i + k] : 0;
        if (i + k >= n || b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) {
            i += k;
            return -1;
        }
        cp = cp << 6 | (b & 0x3F);
    }
    i += len;
    return static_cast<std::int32_t>(cp);
}

std::size_t printable_ascii_prefix(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) >= 0x20 && static_cast<unsigned char>(bytes[i]) < 0x7F)
        ++i;
    return i;
}

bool is_text(std::string_view bytes)
{
    // Printable ASCII (nearly every token, JID and id) needs no decoding.
    std::size_t i = printable_ascii_prefix(bytes);
    while (i < bytes.size()) {
        const std::int32_t cp = next_code_point(bytes, i);
        if (cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F))
            return false;  // not UTF-8, or a control character (DEL and C1 among them)
    }
    return true;
}

std::optional<std::string> parse_hex(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 2);
    int high = -1;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
            continue;
        const int v = hex_digit_value(c);
        if (v < 0)
            return std::nullopt;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<char>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0)
        return std::nullopt;
    return out;
}

}  // namespace funxmpp
