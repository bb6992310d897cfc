// SPDX-License-Identifier: GPL-2.0-or-later
// Display policy that does not need Wireshark: one decode of a stanza into its canonical XML,
// its Info-column summary, its login facts and its recorded events, and how an encoded
// string is described in a tree label.
// Kept apart from the glue so that it is unit-tested without tshark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/recording.hpp"
#include "codec/signal_envelope.hpp"
#include "codec/text.hpp"
#include "codec/version.hpp"
#include "funxmpp/session/session.hpp"

namespace funxmpp {

// What a decode is asked for besides the summary.
struct StanzaWants {
    bool xml = true;               // the canonical XML (the costly part)
    bool login = false;            // what a login needs (the first pass follows logins)
    const Arena *record = nullptr; // keep the events in this arena (a tree is built afterwards)
    bool head = false;             // the top-level element's type, from, to and id (StanzaHead)
};

// An attribute of the top-level element, its value as it reads (XML's text unescaped).
struct HeadAttribute {
    bool present = false;
    std::string value;
};
// The top-level element's type, from, to and id, the first of each (a row of
// tools/funxmpp-batch; DESIGN 2.11).
struct StanzaHead {
    HeadAttribute type, from, to, id;
};

// The content of an <enc> element that holds an end-to-end envelope (DESIGN 2.8), in the payload.
struct EnvelopeAt {
    e2e::EnvelopeType type;
    std::uint32_t offset, length;  // of the bytes; of the whole value where not_bytes
    bool plaintext;  // a <plaintext> element's Message in the clear, not an envelope
    bool not_bytes;  // an <enc> whose content is not binary (text, a JID): malformed
};

struct StanzaText {
    DecodeResult result;
    std::string xml;      // canonical XML; empty for a keep-alive, when not wanted or when decoding failed
    std::string summary;  // e.g. "message to=4915112345678@s.whatsapp.net type=text"
    // The top-level element's tag ("stream:stream" for start and end), its type attribute,
    // and the peer it names (to, else from), for statistics.
    std::string tag, type, peer;
    StanzaHead head;      // when wanted
    LoginStanza login;    // when wanted, and only of a stanza that decoded
    std::vector<EnvelopeAt> envelopes;  // in order (as many as the decoder's limits let a stanza hold)
    Recording events;     // when wanted: every event the decode emitted, up to an error
};

// Decodes one frame payload once, into everything the consumers of a frame read.
StanzaText decode_stanza(const Dialect &dialect, const std::uint8_t *data, std::size_t size,
                         const StanzaWants &wants = {});

// How a string was encoded, for labels: "token 0x5F", "secondary token 0xEC 0x12 (page 0,
// index 0x12)", "nibble-packed, 7 bytes", "binary8, 2 bytes", "JID pair", "null".
void describe_encoding(BoundedText &out, const StringValue &s);

}  // namespace funxmpp
