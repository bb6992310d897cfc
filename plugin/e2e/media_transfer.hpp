// SPDX-License-Identifier: GPL-2.0-or-later
// Media files of the end-to-end layer found in HTTP bodies (DESIGN 2.9). Every Message the key
// log opens registers the files it names (by fileEncSha256, until the capture file closes; in the
// first pass, unless a key log line comes late); an HTTP/1.1 or HTTP/2 body (over TLS when
// Wireshark decrypts it) whose SHA-256 is one of them is that file: MAC checked, decrypted,
// fileSha256 checked, shown on the HTTP packet (funxmpp.media) and offered to Export Objects
// (`--export-objects funxmpp,DIR`). A transfer before the message that names it is found in any
// later pass; a single pass says so at the message. Nothing that fails a check is shown as the
// file or exported. The body's SHA-256 is taken only while a key log is set.
#pragma once

#include "ws_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>

#include <string_view>

#include "codec/proto_json.hpp"

namespace funxmpp::ws {

void register_media_transfer(int proto, expert_module_t *expert);
// The bodies looked at: those of the content types media hosts use (octet-stream, image, audio,
// video and PDF types: HTTP/1.1 and HTTP/2; Wireshark's dissector for the type still gets every
// body that is not a named file), and over HTTP/1.1 bodies of any other type or of none (the
// "media" and "http" heuristics).
void handoff_media_transfer();

// Whether the first pass must open the end-to-end payloads of message stanzas (where no tree
// does): the key log is set, so the files messages name are to be known before the pass
// reaches their transfers.
bool media_files_collected();

// A Message opened for the first time (in the first pass, unless its key log line came later):
// the files it names are looked for.
void note_media_files(packet_info *pinfo, const e2e::DecodedMessage &decoded, std::string_view message);

// At a Message's tree: for each file it names, the frame of its transfer, or why there is none
// (yet); an unknown media type or a media key that cannot be one, said.
void add_media_links(proto_tree *tree, tvbuff_t *message, packet_info *pinfo, const e2e::DecodedMessage &decoded);

// A filter or a field extraction names a field add_media_links adds.
bool media_links_referenced(proto_tree *tree);

// A picture handed to Wireshark's dissector for it; the columns stay ours and a broken
// picture spoils only its own subtree.
void show_picture(dissector_handle_t handle, tvbuff_t *picture, packet_info *pinfo, proto_tree *tree);

}  // namespace funxmpp::ws
