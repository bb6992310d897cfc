// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/version.hpp"

namespace funxmpp {

std::string Version::to_string() const
{
    return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<Version> parse_version(std::string_view text)
{
    if (text.size() != 3 || text[1] != '.' || text[0] < '0' || text[0] > '9' || text[2] < '0' ||
        text[2] > '9')
        return std::nullopt;
    return Version{static_cast<std::uint8_t>(text[0] - '0'), static_cast<std::uint8_t>(text[2] - '0')};
}

namespace {

Dialect make(Version v, const char *table, unsigned header, std::uint8_t tmin, std::uint8_t tmax,
             SecondaryTokens sec, LeadFE fe, bool b20, bool nibble, bool hex)
{
    return Dialect{v, find_token_dictionary(table), header, tmin, tmax, sec, fe, b20, nibble, hex};
}

}  // namespace

const Dialect *dialect_for(Version v)
{
    using S = SecondaryTokens;
    // Token ranges: readers of 1.0-1.2 test 4 < t < 245, of 1.4+ 2 < t < 236 (spec 3.2).
    static const Dialect k04 = make({0, 4}, "1.1", 2, 0x05, 0xF4, S::None, LeadFE::ExtendedToken, false, false, false);
    static const Dialect k10 = make({1, 0}, "1.1", 2, 0x05, 0xF4, S::None, LeadFE::ExtendedToken, false, false, false);
    static const Dialect k11 = make({1, 1}, "1.1", 2, 0x05, 0xF4, S::None, LeadFE::ExtendedToken, false, false, false);
    static const Dialect k12 = make({1, 2}, "1.2", 3, 0x05, 0xF4, S::None, LeadFE::ExtendedToken, false, false, false);
    static const Dialect k14 = make({1, 4}, "1.4", 3, 0x03, 0xEB, S::Escape, LeadFE::ExtendedToken, false, false, false);
    static const Dialect k15 = make({1, 5}, "1.5", 3, 0x03, 0xEB, S::Escape, LeadFE::Unused, false, true, false);
    static const Dialect k16 = make({1, 6}, "1.6", 3, 0x03, 0xEB, S::Pages, LeadFE::Binary32, true, true, true);
    // MD: single-byte tokens 0x01-0xEB, four double-byte pages, BINARY_20/32, both packings.
    auto md = [](Version version, const char *table) {
        Dialect d = make(version, table, 3, 0x01, 0xEB, S::Pages, LeadFE::Binary32, true, true, true);
        d.stream_tags = false;
        d.md_jids = true;
        d.plain_length24 = true;
        return d;
    };
    static const Dialect k52 = md({5, 2}, "md-v2"), k62 = md({6, 2}, "md-v2"), k63 = md({6, 3}, "md-v3");
    if (v.major == 5 && v.minor == 2)
        return &k52;
    if (v.major == 6 && (v.minor == 2 || v.minor == 3))
        return v.minor == 2 ? &k62 : &k63;
    if (v.major == 0 && v.minor == 4)
        return &k04;
    if (v.major != 1)
        return nullptr;
    switch (v.minor) {
    case 0: return &k10;
    case 1: return &k11;
    case 2: return &k12;
    case 4: return &k14;
    case 5: return &k15;
    case 6: return &k16;
    default: return nullptr;
    }
}

}  // namespace funxmpp
