// SPDX-License-Identifier: GPL-2.0-or-later
// Small helpers shared by the codec tests.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/text.hpp"
#include "codec/version.hpp"
#include "codec/xml.hpp"

namespace funxmpp::test {

inline std::vector<std::uint8_t> hex(const std::string &text)
{
    std::optional<std::string> b = parse_hex(text);
    if (!b)
        throw std::invalid_argument("not hex: " + text);
    return std::vector<std::uint8_t>(b->begin(), b->end());
}

inline std::vector<std::uint8_t> bytes(const std::string &s)
{
    return std::vector<std::uint8_t>(s.begin(), s.end());
}

inline const Dialect &dialect(const char *version)
{
    const Dialect *d = dialect_for(*parse_version(version));
    if (d == nullptr)
        throw std::invalid_argument(version);
    return *d;
}

// The canonical XML of one payload, or "ERROR <kind> @<offset>".
inline std::string xml_of(const Dialect &d, const std::vector<std::uint8_t> &payload)
{
    std::string out;
    XmlWriter w(out);
    DecodeResult r = decode_payload(d, payload.data(), payload.size(), w);
    if (!r.ok())
        return std::string("ERROR ") + error_kind_name(r.error.kind) + " @" + std::to_string(r.error.offset);
    return out;
}

inline std::string xml_of(const char *version, const std::string &hex_payload)
{
    return xml_of(dialect(version), hex(hex_payload));
}

// The byte of a primary token, looked up in the generated dictionary.
inline std::uint8_t token_byte(const Dialect &d, std::string_view s)
{
    for (unsigned b = d.token_min; b <= d.token_max; ++b)
        if (d.tokens->primary_at(static_cast<std::uint8_t>(b)) == s)
            return static_cast<std::uint8_t>(b);
    throw std::invalid_argument(std::string(s) + " is no token");
}

const char *const kAllVersions[] = {"0.4", "1.0", "1.1", "1.2", "1.4", "1.5", "1.6"};

}  // namespace funxmpp::test
