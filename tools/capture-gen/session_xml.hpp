// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the XML of a scripted stanza into a node tree. The language is the canonical XML
// of DESIGN 2.2 plus what a script needs to say bytes that are not text:
//   &#xNN; / &#NNN;  one raw byte (not a Unicode character)
//   {{random N}}     N bytes from the script's seeded generator (in content only)
//   {{repeat N C}}   N times the character C (in content only)
//   {{hex HEX}}      the bytes written in hex (in content only)
//   {{envelope TYPE N}}  a well-formed Signal envelope (msg, pkmsg or skmsg: DESIGN 2.8) whose
//                    ciphertext is N random bytes, its keys and numbers random too (in content only)
//   {{signal TYPE TEXT}} the same around a Message { conversation = TEXT } sealed as WhatsApp
//                    does, its key recorded for the key log (recorded_signal_keys);
//   {{signal-wrong-key TYPE TEXT}} ... recorded with another key (it will not open)
//   {{signal-bytes TYPE HEX}} ... around Message bytes written in hex
// "<stream:stream ...>" is the stream start (never closed), "</stream:stream>" the end.
// "<a></a>" is an empty child list; text content is data.
#pragma once

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/tree.hpp"

namespace funxmpp::capture {

struct XmlError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Node parse_stanza(const std::string &xml, std::mt19937 &rng);

// The WA_SIGNAL_KEY lines (DESIGN 2.8) of the {{signal ...}} payloads parsed so far, in order:
// the script's runner moves them into the capture's key log.
std::vector<std::string> &recorded_signal_keys();

// The element labels the dissector's verbose tree shows for a stanza: each element's start tag,
// two spaces of indent per depth (at most 39 levels, as tshark's text output indents).
void element_label_lines(const Node &n, unsigned depth, std::vector<std::string> &out);

}  // namespace funxmpp::capture
