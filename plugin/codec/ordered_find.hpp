// SPDX-License-Identifier: GPL-2.0-or-later
// Finding an entry among entries kept in increasing order of a 32-bit key (a stream position),
// starting where the last one was found: a pass that goes through them in order finds each at
// or right after the last one (no search, no cache miss), one that jumps (a click in the GUI)
// searches by halves.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace funxmpp {

// `Entry` has a std::uint32_t `key`; entries[0, n) increase strictly by it. Returns the index of
// the entry of `key`, or n; `cursor` becomes the index found.
template <typename Entry>
std::size_t ordered_find(const Entry *entries, std::size_t n, std::uint32_t key, std::size_t &cursor)
{
    if (n == 0 || key > entries[n - 1].key)  // past the last: a first pass's every new position
        return n;
    for (std::size_t i = cursor; i < n && i <= cursor + 1; ++i)
        if (entries[i].key == key) {
            cursor = i;
            return i;
        }
    const Entry *at = std::lower_bound(entries, entries + n, key, [](const Entry &e, std::uint32_t k) { return e.key < k; });
    if (at == entries + n || at->key != key)
        return n;
    cursor = static_cast<std::size_t>(at - entries);
    return cursor;
}

}  // namespace funxmpp
