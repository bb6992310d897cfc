// SPDX-License-Identifier: GPL-2.0-or-later
// The glue's rule. Wireshark reports errors by longjmp (THROW), which skips C++ destructors;
// C++ reports them by exceptions, which must not unwind through Wireshark's C frames. So:
// - a function that calls Wireshark's API holds only trivially destructible locals (checked
//   with FUNXMPP_PLAIN where a type is ours);
// - C++ work that allocates or may throw runs inside cpp_scope, which calls no Wireshark API
//   that can THROW, and catches whatever the work throws.
#pragma once

#include <type_traits>

namespace funxmpp::ws {

// Runs `work`; false if it threw (the caller reports it and carries on).
template <class Work> bool cpp_scope(Work &&work) noexcept
{
    try {
        work();
        return true;
    } catch (...) {
        return false;
    }
}

#define FUNXMPP_PLAIN(T) \
    static_assert(std::is_trivially_destructible_v<T>, #T " is used across Wireshark calls that may longjmp")

}  // namespace funxmpp::ws
