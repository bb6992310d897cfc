// SPDX-License-Identifier: GPL-2.0-or-later
// Protocol funxmpp: registration, preferences, stream detection and TCP framing. Parsing and
// detection are the codec's; per-conversation state is conversation.cpp's; showing a frame,
// frame_view.cpp's; the plugin's entry points, plugin.cpp's.
#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "codec/detect.hpp"
#include "codec/framing.hpp"
#include "codec/version.hpp"
#include "conversation.hpp"
#include "fields.hpp"
#include "funxmpp/frame_view.hpp"
#include "e2e/media_transfer.hpp"
#include "e2e/payload_decrypt.hpp"
#include "noise/noise_keys.hpp"
#include "noise/noise_transport.hpp"
#include "protocols.hpp"
#include "funxmpp/secrets.hpp"
#include "taps.hpp"
#include "views/conversation_views.hpp"

namespace funxmpp::ws {
namespace {

// ---- Preferences ------------------------------------------------------------------------

const enum_val_t kVersionChoices[] = {
    {"1.0", "WA 1.0", 0x0100}, {"1.1", "WA 1.1", 0x0101}, {"1.2", "WA 1.2", 0x0102}, {"1.4", "WA 1.4", 0x0104},
    {"1.5", "WA 1.5", 0x0105}, {"1.6", "WA 1.6", 0x0106}, {nullptr, nullptr, 0},
};
gint pref_version = 0x0105;  // the version users know from the seed table
ws_bool pref_desegment = true;
range_t *pref_ports = nullptr;
range_t *registered_ports = nullptr;

const Dialect &preferred_dialect()
{
    const Dialect *d = dialect_for(Version{static_cast<std::uint8_t>(pref_version >> 8),
                                           static_cast<std::uint8_t>(pref_version & 0xFF)});
    return d != nullptr ? *d : *dialect_for(Version{1, 5});
}

dissector_handle_t funxmpp_handle;
dissector_handle_t port_gate_handle;
std::map<guint32, dissector_handle_t> port_fallbacks;  // earlier owners of our ports (TLS, XMPP)

// ---- Detection (the codec's; here only where the bytes come from) --------------------------

StreamStart classify(tvbuff_t *tvb)
{
    const std::size_t n = std::min<std::size_t>(tvb_captured_length(tvb), 64);
    return classify_stream_start(tvb_get_ptr(tvb, 0, static_cast<gint>(n)), n, preferred_dialect());
}

// A stream's first segment that is only the start of a prologue ("W", "WA", "WA" major):
// asks TCP for the next segment too, so that the whole prologue decides. False when TCP
// cannot reassemble here.
bool wait_for_whole_prologue(packet_info *pinfo)
{
    if (pinfo->can_desegment <= 0)
        return false;
    pinfo->desegment_offset = 0;
    pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
    return true;
}

// Records a claimed conversation; the client is the sender of a prologue (or, for the
// successor protocol, of the routing prefix or prologue).
void claim(ConversationState *st, packet_info *pinfo, StreamClaim c, Version version)
{
    if (c == StreamClaim::Noise) {
        start_noise(st, pinfo, false);
        conversation_set_dissector(find_or_create_conversation(pinfo), funxmpp_handle);
        return;
    }
    st->dialect = dialect_for(version);
    if (c == StreamClaim::Prologue)
        set_client(st, &pinfo->src, pinfo->srcport);
    conversation_set_dissector(find_or_create_conversation(pinfo), funxmpp_handle);
}

// ---- Framing --------------------------------------------------------------------------

bool prologue_at(const PacketContext &ctx, packet_info *pinfo, tvbuff_t *tvb, int offset)
{
    if (offset != 0 || tvb_get_uint8(tvb, 0) != 'W' || tvb_get_uint8(tvb, 1) != 'A')
        return false;
    const DirectionState &d = ctx.st->dir[ctx.dir];
    if (PINFO_FD_VISITED(pinfo))
        return d.has_prologue && d.prologue_position == ctx.position;
    return !d.started;
}

guint get_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    auto *ctx = static_cast<PacketContext *>(data);
    // tcp_dissect_pdus asks for each PDU's length right before it dissects that PDU.
    ctx->position = ctx->base + static_cast<StreamPosition>(offset);
    ctx->pdu_is_prologue = prologue_at(*ctx, pinfo, tvb, offset);
    if (ctx->pdu_is_prologue) {
        DirectionState &d = ctx->st->dir[ctx->dir];
        if (!PINFO_FD_VISITED(pinfo) && !d.has_prologue) {
            d.has_prologue = true;
            d.prologue_position = ctx->position;
        }
        return 4;
    }
    const unsigned hs = ctx->st->dialect->header_size;
    guint8 header[3];
    tvb_memcpy(tvb, header, offset, hs);
    return static_cast<guint>(parse_frame(header, hs, hs).header.total_size());
}

int dissect_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, void *data)
{
    auto *ctx = static_cast<PacketContext *>(data);
    DirectionState &dir = ctx->st->dir[ctx->dir];
    const Dialect &d = *ctx->st->dialect;
    // The columns are ours once a PDU shows here: a segment that only begins a frame keeps
    // TCP's (as every later pass shows it, when TCP no longer calls us for it).
    if (!ctx->columns_taken) {
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "FunXMPP");
        col_clear(pinfo->cinfo, COL_INFO);
        ctx->columns_taken = true;
    }
    proto_item *top = proto_tree_add_item(parent, fields.proto, tvb, 0, -1, ENC_NA);
    proto_tree *tree = proto_item_add_subtree(top, fields.ett_funxmpp);
    proto_item_append_text(top, ", %s", ctx->dir == kClientToServer ? "Client to server" : "Server to client");

    if (ctx->pdu_is_prologue) {
        if (!PINFO_FD_VISITED(pinfo))
            dir.started = true;
        dissect_prologue(tvb, top, tree);
        return 4;
    }
    if (!PINFO_FD_VISITED(pinfo))
        dir.started = true;

    const unsigned hs = d.header_size;
    guint8 raw[3];
    tvb_memcpy(tvb, raw, 0, hs);
    const FrameHeader h = parse_frame(raw, hs, hs).header;
    add_version_item(tree, tvb, d);
    proto_item *fi = proto_tree_add_item(tree, fields.frame, tvb, 0, static_cast<int>(hs), ENC_NA);
    proto_item_set_text(fi, "Frame header: %u bytes%s%s", h.length, h.encrypted() ? ", encrypted" : "",
                        h.compressed() ? ", compressed" : "");
    proto_tree *ft = proto_item_add_subtree(fi, fields.ett_frame);
    if (hs == 3) {
        proto_item *flags = proto_tree_add_uint(ft, fields.frame_flags, tvb, 0, 1, h.flags);
        proto_tree *flag_tree = proto_item_add_subtree(flags, fields.ett_flags);
        for (int hf : {fields.flag_encrypted, fields.flag_compressed, fields.flag_reserved, fields.flag_client_encrypted})
            proto_tree_add_item(flag_tree, hf, tvb, 0, 1, ENC_NA);
        proto_tree_add_uint(ft, fields.frame_length, tvb, 0, 3, h.length);
        if (h.flags & kFlagReserved)
            expert_add_info(pinfo, flags, &fields.ei_reserved_flag);
    } else {
        proto_tree_add_uint(ft, fields.frame_length, tvb, 0, 2, h.length);
    }
    proto_tree_add_boolean(ft, fields.encrypted, tvb, 0, 1, h.encrypted());
    proto_tree_add_boolean(ft, fields.compressed, tvb, 0, 1, h.compressed());
    proto_item_append_text(top, ", %u bytes", h.length);

    const int offset = static_cast<int>(hs), length = static_cast<int>(h.length);
    if (length == 0) {
        proto_tree_add_expert(ft, pinfo, &fields.ei_zero_length, tvb, 0, static_cast<int>(hs));
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: frame of length 0]");
        tap_malformed_frame(pinfo, *ctx);
        return static_cast<int>(hs);
    }
    if (h.encrypted()) {
        dissect_encrypted(tvb, offset, length, h, pinfo, tree, *ctx);
        return offset + length;
    }
    if (h.compressed()) {
        if (tvbuff_t *inflated = inflate(tvb, offset, length, pinfo, tree, *ctx, false))
            dissect_payload(inflated, 0, static_cast<int>(tvb_reported_length(inflated)), pinfo, tree, d, *ctx, false);
        return offset + length;
    }
    dissect_payload(tvb, offset, length, pinfo, tree, d, *ctx, false);
    return offset + length;
}

// ---- Dissector entry points -------------------------------------------------------------

constexpr guint kMinimumPduBytes = 3;  // a 3-byte header, or 2-byte header + 1 payload byte, or "WA" + major

// Where the tvb's first byte is in its direction's stream. TCP hands its subdissectors the
// segment's (or reassembled PDU's) sequence number. With reassembly off (nothing may be
// desegmented) it skips by itself the first bytes of a segment that end a PDU an earlier
// segment began, and hands over the rest of the segment: that starts as far before the
// segment's end as it is long.
StreamPosition stream_base(const void *data, tvbuff_t *tvb, const packet_info *pinfo)
{
    if (data == nullptr)
        return 0;
    const auto *tcp = static_cast<const struct tcpinfo *>(data);
    const guint32 length = tvb_reported_length(tvb);
    const guint32 segment = tcp->nxtseq - tcp->seq;
    const bool skipped = pinfo->can_desegment <= 0 && segment > length && segment < 0x80000000u;
    return skipped ? tcp->nxtseq - length : tcp->seq;
}

int dissect_funxmpp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    ConversationState *st = conversation_state(pinfo, true);
    if (st->dialect == nullptr && st->noise == nullptr && !st->rejected) {
        // "Decode As" or -d: the user says it is FunXMPP; only a "WA" of no client says no.
        const StreamStart start = classify(tvb);
        if (start.claim == StreamClaim::Refused) {
            st->rejected = true;
        } else if (start.claim == StreamClaim::Prologue || start.claim == StreamClaim::Noise) {
            claim(st, pinfo, start.claim, start.version);
        } else {
            claim(st, pinfo, StreamClaim::MidStream, preferred_dialect().version);
        }
    }
    if (st->noise != nullptr) {
        if (st->noise->over_websocket)
            return 0;
        dissect_noise_tcp(tvb, pinfo, tree, st, direction(st, pinfo, pref_ports), stream_base(data, tvb, pinfo), pref_desegment);
        return static_cast<int>(tvb_captured_length(tvb));
    }
    if (st->rejected)
        return 0;

    PacketContext ctx{st, direction(st, pinfo, pref_ports), stream_base(data, tvb, pinfo), 0, false, false};
    tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, kMinimumPduBytes, get_pdu_len, dissect_pdu, &ctx);
    return static_cast<int>(tvb_captured_length(tvb));
}

ws_bool dissect_funxmpp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const StreamStart start = classify(tvb);
    // On any port, "WA" or "ED" 00 alone is enough to wait for (not a lone "W", which a person
    // typing into some other protocol might send).
    const bool distinctive = tvb_captured_length(tvb) >= 2 &&
                             (tvb_get_uint8(tvb, 0) == 'W' || (tvb_get_uint8(tvb, 0) == 'E' && tvb_captured_length(tvb) >= 3));
    if (start.claim == StreamClaim::NeedMore && distinctive && conversation_state(pinfo, false) == nullptr)
        return wait_for_whole_prologue(pinfo);
    if (start.claim != StreamClaim::Prologue && start.claim != StreamClaim::Noise)
        return false;
    ConversationState *st = conversation_state(pinfo, true);
    if (st->rejected)
        return false;
    if (st->dialect == nullptr && st->noise == nullptr)
        claim(st, pinfo, start.claim, start.version);
    dissect_funxmpp(tvb, pinfo, tree, data);
    return true;
}

// Registered on our TCP ports (443, 5222 by default) in front of their earlier owners
// (TLS, XMPP): claims FunXMPP streams and hands everything else back unchanged. It has no
// protocol of its own, so packets it hands back carry no funxmpp layer.
int dissect_port_gate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    ConversationState *st = conversation_state(pinfo, true);
    // With FunXMPP disabled the gate is not there: everything goes to the port's owner.
    if (!proto_is_protocol_enabled(find_protocol_by_id(fields.proto)))
        st->rejected = true;
    if (st->dialect == nullptr && st->noise == nullptr && !st->rejected) {
        const StreamStart start = classify(tvb);
        if (start.claim == StreamClaim::NeedMore && wait_for_whole_prologue(pinfo))
            return static_cast<int>(tvb_captured_length(tvb));
        if (start.claim == StreamClaim::Prologue || start.claim == StreamClaim::MidStream ||
            start.claim == StreamClaim::Noise)
            claim(st, pinfo, start.claim, start.version);
        else
            st->rejected = true;
    }
    // Each call through a handle takes one level of TCP's "may desegment" allowance; the
    // gate is a transparent shim, so it gives that level back to whom it calls.
    dissector_handle_t next = funxmpp_handle;
    if (st->rejected) {
        auto fallback = port_fallbacks.find(pinfo->match_uint);
        if (fallback == port_fallbacks.end())
            return 0;
        next = fallback->second;
    }
    pinfo->can_desegment = pinfo->saved_can_desegment;
    return call_dissector_only(next, tvb, pinfo, tree, data);
}

void register_ports()
{
    dissector_table_t tcp_ports = find_dissector_table("tcp.port");
    if (registered_ports != nullptr) {
        for (guint i = 0; i < registered_ports->nranges; ++i)
            for (guint32 p = registered_ports->ranges[i].low; p <= registered_ports->ranges[i].high && p != 0; ++p) {
                auto it = port_fallbacks.find(p);
                if (it != port_fallbacks.end())
                    dissector_add_uint("tcp.port", p, it->second);
                else
                    dissector_delete_uint("tcp.port", p, port_gate_handle);
                if (p == 0xFFFF)
                    break;
            }
        wmem_free(wmem_epan_scope(), registered_ports);
    }
    port_fallbacks.clear();
    registered_ports = range_copy(wmem_epan_scope(), pref_ports);
    for (guint i = 0; i < registered_ports->nranges; ++i)
        for (guint32 p = registered_ports->ranges[i].low; p <= registered_ports->ranges[i].high && p != 0; ++p) {
            dissector_handle_t earlier = dissector_get_uint_handle(tcp_ports, p);
            if (earlier != nullptr && earlier != port_gate_handle)
                port_fallbacks[p] = earlier;
            dissector_add_uint("tcp.port", p, port_gate_handle);
            if (p == 0xFFFF)
                break;
        }
}

void apply_preferences()
{
    if (port_gate_handle != nullptr)
        register_ports();
}

}  // namespace

void proto_register_funxmpp()
{
    fields.proto = proto_register_protocol("FunXMPP (WhatsApp binary XMPP)", "FunXMPP", "funxmpp");
    register_fields();
    funxmpp_handle = register_dissector("funxmpp", dissect_funxmpp, fields.proto);

    module_t *module = prefs_register_protocol(fields.proto, apply_preferences);
    prefs_register_enum_preference(module, "version", "Version of streams seen without a prologue",
                                   "Token dictionary and grammar for a connection whose start (the \"WA\" "
                                   "prologue) is not in the capture",
                                   &pref_version, kVersionChoices, FALSE);
    prefs_register_bool_preference(module, "desegment", "Reassemble frames spanning TCP segments",
                                   "Whether frames that span several TCP segments are reassembled "
                                   "(TCP's \"Allow subdissectors to reassemble TCP streams\" must be on too)",
                                   &pref_desegment);
    range_convert_str(wmem_epan_scope(), &pref_ports, "443,5222", 65535);
    prefs_register_range_preference(module, "tcp.port", "TCP ports",
                                    "Ports where FunXMPP is looked for first (streams that are not FunXMPP go "
                                    "on to the port's usual dissector, e.g. TLS or XMPP)",
                                    &pref_ports, 65535);
    register_passwords_table(module);
    register_noise_keylog(module);
    register_payload_decrypt();
    prefs_register_bool_preference(module, "registration_passwords", "Use passwords of registration answers",
                                   "Decrypt the FunXMPP sessions of a phone with the password that a registration "
                                   "answer (/v2/register, /v2/exist) earlier in the capture returned",
                                   &pref_registration_passwords);
    register_cleanup_routine(cleanup_sessions);
    register_taps(fields.proto);
    register_conversation_views(fields.proto);
}

void proto_reg_handoff_funxmpp()
{
    port_gate_handle = create_dissector_handle_with_name_and_description(
        dissect_port_gate, -1, "funxmpp_port_gate", "FunXMPP, else the port's usual protocol");
    heur_dissector_add("tcp", dissect_funxmpp_heur, "FunXMPP over TCP", "funxmpp_tcp", fields.proto, HEURISTIC_ENABLE);
    dissector_add_for_decode_as("tcp.port", funxmpp_handle);
    register_noise_websocket(fields.proto);
    handoff_media_transfer();
    register_ports();
}

}  // namespace funxmpp::ws
