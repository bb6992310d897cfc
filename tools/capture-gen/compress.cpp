// SPDX-License-Identifier: GPL-2.0-or-later
#include "compress.hpp"

#include <zlib.h>

#include <stdexcept>

namespace funxmpp::capture {

std::string zlib_compress(const std::string &in)
{
    uLongf n = compressBound(static_cast<uLong>(in.size()));
    std::string out(n, '\0');
    if (compress2(reinterpret_cast<Bytef *>(out.data()), &n, reinterpret_cast<const Bytef *>(in.data()),
                  static_cast<uLong>(in.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("zlib failed");
    out.resize(n);
    return out;
}

std::string websocket_deflate(const std::string &in)
{
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib failed");
    std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 16, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (rc != Z_OK || out.size() < 4 || out.compare(out.size() - 4, 4, std::string("\0\0\xff\xff", 4)) != 0)
        throw std::runtime_error("zlib failed");
    out.resize(out.size() - 4);
    return out;
}

}  // namespace funxmpp::capture
