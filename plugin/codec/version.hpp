// SPDX-License-Identifier: GPL-2.0-or-later
// Protocol versions and the grammar rules that change with them (spec sections 0, 2, 3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/tokens.hpp"

namespace funxmpp {

struct Version {
    std::uint8_t major = 1;
    std::uint8_t minor = 5;

    std::string to_string() const;
    friend bool operator==(Version a, Version b) { return a.major == b.major && a.minor == b.minor; }
    friend bool operator!=(Version a, Version b) { return !(a == b); }
};

// "1.5" -> {1, 5}; nullopt for anything else.
std::optional<Version> parse_version(std::string_view text);

// What a secondary-token lead byte means.
enum class SecondaryTokens : std::uint8_t {
    None,    // WA 1.0-1.2: 0xEC-0xEF are primary tokens
    Escape,  // WA 1.4/1.5: 0xEC b -> secondary[b]
    Pages,   // WA 1.6: 0xEC+k b -> secondary[k*256 + b], k = 0..3
};

// What lead byte 0xFE means.
enum class LeadFE : std::uint8_t {
    ExtendedToken,  // WA 1.0-1.4 readers: 0xFE b -> primary[0xF5 + b]
    Unused,         // WA 1.5
    Binary32,       // WA 1.6: u32be length (31 bits) + bytes
};

// Everything about a version that the framing, decoder and encoder need. The successor's node
// format (MD, WA 5.x/6.x) is one more dialect of the same grammar (SUCCESSOR 1.8).
struct Dialect {
    Version version;
    const TokenDictionary *tokens;
    unsigned header_size;         // frame header bytes: 2 (WA 0.4-1.1) or 3 (WA 1.2+)
    std::uint8_t token_min;       // valid primary token bytes [token_min, token_max]
    std::uint8_t token_max;
    SecondaryTokens secondary;
    LeadFE lead_fe;
    bool binary20;                // 0xFD length is 20 bits (WA 1.6) instead of 24
    bool nibble_packed;           // 0xFF (WA 1.5+)
    bool hex_packed;              // 0xFB (WA 1.6)
    // FunXMPP 1.x: 0x01/0x02 as a tag are the stream start and end, and a payload of the one
    // byte 0x00 is a keep-alive. MD: 0x01/0x02 are ordinary tokens ("xmlstreamstart",
    // "xmlstreamend"), and 0xF5-0xF7 are the INTEROP, FB and AD JIDs.
    bool stream_tags = true;
    bool md_jids = false;
    // Frame header: FunXMPP's flags nibble + 20 bits (or 16 bits); MD's plain 24-bit length.
    bool plain_length24 = false;
};

// The dialect of a version, or nullptr for versions with no known node format (1.3, 2.x,
// 3.x, 4.x, ...). WA 0.4 uses the 1.0/1.1 dictionary (an earlier subset of it). Versions 5.x and
// 6.x are the successor's MD node format; the minor byte names its dictionary (2 or 3).
const Dialect *dialect_for(Version version);

// A FunXMPP (1.x, 0.4) version, as opposed to the successor's.
inline bool is_funxmpp(Version v)
{
    return v.major <= 1;
}

}  // namespace funxmpp
