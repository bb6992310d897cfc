// SPDX-License-Identifier: GPL-2.0-or-later
// zlib (RFC 1950) inflate with a size limit. A frame of a few hundred bytes can claim
// gigabytes, and Wireshark's own inflate has no limit: what it may inflate is measured here first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace funxmpp {

constexpr std::size_t kMaxInflated = 16u << 20;  // as large as a frame can be

enum class InflateCheck : std::uint8_t {
    Whole,     // a whole zlib stream (header, end, Adler-32), within the limit
    TooLarge,  // inflates to more than the limit
    Damaged,   // no zlib header, cut short, or a checksum that fails
};

// Inflates `data` into `out` (when given; else only measures), stopping past `cap` bytes.
InflateCheck inflate_bounded(const std::uint8_t *data, std::size_t size, std::size_t cap,
                             std::vector<std::uint8_t> *out);

}  // namespace funxmpp
