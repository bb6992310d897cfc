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
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        ++i;
        return -1;
    }
    if (i + len > n) {
        ++i;
        return -1;
    }
    for (std::size_t k = 1; k < len; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = cp << 6 | (p[i + k] & 0x3F);
    }
    static const std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return -1;  // overlong, out of range, or a surrogate
    }
    i += len;
    return static_cast<std::int32_t>(cp);
}

bool is_text(std::string_view bytes)
{
    std::size_t i = 0;
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
