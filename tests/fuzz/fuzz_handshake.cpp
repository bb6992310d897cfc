// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer entry point of the handshake target (tests/fuzz/targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    funxmpp::fuzz::handshake(data, size);
    return 0;
}
