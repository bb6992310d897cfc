// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/inflate.hpp"

#include <zlib.h>

namespace funxmpp {

InflateCheck inflate_bounded(const std::uint8_t *data, std::size_t size, std::size_t cap,
                             std::vector<std::uint8_t> *out)
{
    z_stream z{};
    if (inflateInit(&z) != Z_OK)
        return InflateCheck::Damaged;
    z.next_in = const_cast<Bytef *>(data);
    z.avail_in = static_cast<uInt>(size);
    std::size_t total = 0;
    int rc = Z_OK;
    std::uint8_t chunk[16384];
    while (rc == Z_OK && total <= cap) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = ::inflate(&z, Z_NO_FLUSH);
        const std::size_t n = sizeof chunk - z.avail_out;
        total += n;
        if (out != nullptr && total <= cap)
            out->insert(out->end(), chunk, chunk + n);
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break;
    }
    inflateEnd(&z);
    if (total > cap)
        return InflateCheck::TooLarge;
    return rc == Z_STREAM_END ? InflateCheck::Whole : InflateCheck::Damaged;
}

}  // namespace funxmpp
