// SPDX-License-Identifier: GPL-2.0-or-later
// How a frame is shown: its payload as a stanza (text, tree, login items), an encrypted
// frame (decrypted on the first pass when the keys are known), inflated payloads, and the
// tap records of each.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include "codec/framing.hpp"
#include "conversation.hpp"
#include "taps.hpp"

namespace funxmpp::ws {

struct PacketContext {
    ConversationState *st;
    int dir;
    StreamPosition base;      // stream position of the first byte TCP handed over in this call
    StreamPosition position;  // of the PDU about to be dissected (set by get_pdu_len): the key of
                              // what the first pass kept about it
    bool pdu_is_prologue;     // set by get_pdu_len for the PDU about to be dissected
    bool columns_taken;       // a PDU of this call set the Protocol and Info columns
};

void add_version_item(proto_tree *tree, tvbuff_t *tvb, const Dialect &d);
void dissect_prologue(tvbuff_t *tvb, proto_item *top, proto_tree *tree);
// A plaintext payload (`decrypted`: it was decrypted): its stanza, decoded once for the
// columns, the XML, the taps, the login and the tree.
void dissect_payload(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree, const Dialect &d,
                     const PacketContext &ctx, bool decrypted);
// Inflates a compressed payload into its own data source; nullptr (with an expert item) if
// it does not inflate.
tvbuff_t *inflate(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree,
                  const PacketContext &ctx, bool decrypted);
void dissect_encrypted(tvbuff_t *tvb, int offset, int length, const FrameHeader &h, packet_info *pinfo,
                       proto_tree *tree, const PacketContext &ctx);
// A frame of length 0, for the tap.
void tap_malformed_frame(packet_info *pinfo, const PacketContext &ctx);
// A successor frame that shows no stanza (a handshake message, an encrypted or malformed
// transport frame), for the tap.
void tap_successor_frame(packet_info *pinfo, ConversationState *st, int dir, TapFrame kind, guint32 length,
                         const char *handshake = nullptr);

}  // namespace funxmpp::ws
