// SPDX-License-Identifier: GPL-2.0-or-later
// zlib for the generator: frames compressed the way clients compress them.
#pragma once

#include <string>

namespace funxmpp::capture {

// zlib format (RFC 1950), as FunXMPP's flag 0x4 and the successor's flags byte 0x02 use it.
std::string zlib_compress(const std::string &in);
// A permessage-deflate message body (RFC 7692): raw deflate, sync-flushed, the final
// 00 00 ff ff left out; a fresh context per message (no context takeover).
std::string websocket_deflate(const std::string &in);

}  // namespace funxmpp::capture
