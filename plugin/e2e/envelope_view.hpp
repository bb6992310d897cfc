// SPDX-License-Identifier: GPL-2.0-or-later
// The end-to-end layer's envelopes shown (DESIGN 2.8): the content of an <enc> node of type
// msg, pkmsg or skmsg, field by field at its bytes (funxmpp.e2e.*), without any key; a fault
// gets funxmpp.e2e.malformed where it is, and what came before it is still shown.
#pragma once

#include "ws_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>

#include "codec/proto_json.hpp"
#include "codec/signal_envelope.hpp"

namespace funxmpp::ws {

void register_e2e_fields(int proto, expert_module_t *expert);
// A filter or a field extraction names one of the funxmpp.e2e fields (or a media field a message
// shows).
bool e2e_fields_referenced(proto_tree *tree);

// What the envelope of `size` bytes at `offset` says when the key log opens it (else both
// nullptr): its Message's first text, cut for a column, and (if `want_json`) its JSON; in
// pinfo->pool.
struct EnvelopeSays {
    const char *text, *json;
};
EnvelopeSays envelope_says(tvbuff_t *tvb, int offset, int size, e2e::EnvelopeType type, packet_info *pinfo,
                           bool want_json);
// The same of a <plaintext> element's Message (channels: in the clear).
EnvelopeSays plaintext_says(tvbuff_t *tvb, int offset, int size, packet_info *pinfo, bool want_json);
// Adds a <plaintext> element's Message, field by field.
void add_plaintext(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int size);

// A protobuf read with WAProto's names, field by field at its bytes in `plain` (nested messages
// as subtrees; funxmpp.e2e.field), and what does not parse or fit said where it is (of the
// message type `what`).
void add_protobuf_fields(proto_tree *tree, tvbuff_t *plain, packet_info *pinfo, const e2e::DecodedMessage &d,
                         const char *what);

// An <enc> whose content is not bytes (a token, packed digits, a JID): said, not read.
void add_envelope_not_bytes(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int length,
                            e2e::EnvelopeType type);

// Adds the envelope of `size` bytes at `offset` in `tvb` under `tree`.
void add_envelope(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int size, e2e::EnvelopeType type);

}  // namespace funxmpp::ws
