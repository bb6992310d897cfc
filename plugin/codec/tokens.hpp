// SPDX-License-Identifier: GPL-2.0-or-later
// Token dictionaries of every FunXMPP version. The tables themselves are generated at build
// time from tokens/*.txt (see tokengen/); nothing here holds a copy of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace funxmpp {

struct TokenDictionary {
    std::string_view name;              // file stem, e.g. "1.5"
    const std::string_view *primary;    // 256 slots indexed by token byte; empty = no token
    const std::string_view *secondary;  // flat index page*256 + byte; empty = no token
    std::size_t secondary_size;         // slots in `secondary` (a multiple of 256, or 0)

    std::string_view primary_at(std::uint8_t byte) const { return primary[byte]; }
    std::string_view secondary_at(std::size_t flat) const
    {
        return flat < secondary_size ? secondary[flat] : std::string_view{};
    }
};

// The dictionary generated from tokens/tokens-<name>.txt, or nullptr.
const TokenDictionary *find_token_dictionary(std::string_view name);

}  // namespace funxmpp
