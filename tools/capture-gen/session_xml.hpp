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
//   {{signal-media TYPE NAME}} ... around a Message naming the media file NAME (script_media)
// "<stream:stream ...>" is the stream start (never closed), "</stream:stream>" the end.
// "<a></a>" is an empty child list; text content is data.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/proto_schema.hpp"
#include "codec/tree.hpp"

namespace funxmpp::capture {

struct XmlError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Node parse_stanza(const std::string &xml, std::mt19937 &rng);

// The WA_SIGNAL_KEY lines (DESIGN 2.8) of the {{signal ...}} payloads parsed so far, in order:
// the script's runner moves them into the capture's key log.
std::vector<std::string> &recorded_signal_keys();

// A media file of the end-to-end layer (DESIGN 2.9) a script defines: what its message says
// and the encrypted body its transfer carries.
struct ScriptMedia {
    std::string field;  // the Message field naming it, e.g. imageMessage (a dotted path nests it)
    std::string mimetype, file_name, direct_path;
    bool ptt = false;
    std::uint64_t file_length = 0;
    std::string media_key, file_sha256, file_enc_sha256;  // as the message gives them
    std::string enc;                                      // the body
};
std::map<std::string, ScriptMedia> &script_media();
// The message fields of a dotted path from Message (the built-in WAProto schema), e.g.
// "imageMessage" or "protocolMessage.historySyncNotification"; throws XmlError.
std::vector<const e2e::ProtoField *> media_path(const std::string &path);
// The Message naming it, with the field numbers of the built-in WAProto schema.
std::string media_message(const ScriptMedia &m);

// The element labels the dissector's verbose tree shows for a stanza: each element's start tag,
// two spaces of indent per depth (at most 39 levels, as tshark's text output indents).
void element_label_lines(const Node &n, unsigned depth, std::vector<std::string> &out);

}  // namespace funxmpp::capture
