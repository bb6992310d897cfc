// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer entry point of the media target (tests/fuzz/targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    funxmpp::fuzz::media(data, size);
    return 0;
}
