// SPDX-License-Identifier: GPL-2.0-or-later
// Display policy that does not need Wireshark: the canonical XML and the Info-column
// summary of a stanza, and how an encoded string is described in a tree label.
// Kept apart from the glue so that it is unit-tested without tshark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "codec/decoder.hpp"
#include "codec/text.hpp"
#include "codec/version.hpp"

namespace funxmpp {

struct StanzaText {
    DecodeResult result;
    std::string xml;      // canonical XML; empty for a keep-alive or when decoding failed
    std::string summary;  // e.g. "message to=4915112345678@s.whatsapp.net type=text"
    // The top-level element's tag ("stream:stream" for start and end), its type attribute,
    // and the peer it names (to, else from), for statistics.
    std::string tag, type, peer;
};

// Decodes one frame payload once, producing both texts (the XML only when `with_xml`: it is
// the costly part, and a pass that shows no XML does not need it).
StanzaText render_stanza(const Dialect &dialect, const std::uint8_t *data, std::size_t size, bool with_xml = true);

// How a string was encoded, for labels: "token 0x5F", "secondary token 0xEC 0x12 (page 0,
// index 0x12)", "nibble-packed, 7 bytes", "binary8, 2 bytes", "JID pair", "null".
void describe_encoding(BoundedText &out, const StringValue &s);

}  // namespace funxmpp
