// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer entry point of the xml target (tests/fuzz/targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    funxmpp::fuzz::xml(data, size);
    return 0;
}
