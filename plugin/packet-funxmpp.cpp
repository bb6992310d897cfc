// SPDX-License-Identifier: GPL-2.0-or-later
// Protocol funxmpp: registration, preferences, stream detection, TCP framing and the
// per-frame view. Parsing is the codec's; this file only maps its results onto Wireshark.
#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "codec/framing.hpp"
#include "codec/version.hpp"
#include "display/stanza_text.hpp"
#include "fields.hpp"
#include "proto_tree_builder.hpp"

#ifndef FUNXMPP_PLUGIN_VERSION
#define FUNXMPP_PLUGIN_VERSION "0.0.0"
#endif

namespace funxmpp::ws {
namespace {

// ---- Preferences ------------------------------------------------------------------------

const enum_val_t kVersionChoices[] = {
    {"1.0", "WA 1.0", 0x0100}, {"1.1", "WA 1.1", 0x0101}, {"1.2", "WA 1.2", 0x0102}, {"1.4", "WA 1.4", 0x0104},
    {"1.5", "WA 1.5", 0x0105}, {"1.6", "WA 1.6", 0x0106}, {nullptr, nullptr, 0},
};
gint pref_version = 0x0105;  // the version users know from the seed table
gboolean pref_desegment = TRUE;
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

// ---- Per-conversation state (file scope, plain data) --------------------------------------

constexpr int kClientToServer = 0;
constexpr int kServerToClient = 1;

struct DirectionState {
    bool started;              // a PDU of this direction was dissected (first pass)
    bool has_prologue;
    guint32 prologue_first;    // frame where the prologue's first bytes were seen
    guint32 prologue_frame;    // frame where the prologue was dissected
};

struct ConversationState {
    const Dialect *dialect;
    bool rejected;             // not FunXMPP: the port gate hands it back
    bool client_known;
    address client_addr;
    guint32 client_port;
    DirectionState dir[2];
};

ConversationState *conversation_state(packet_info *pinfo, bool create)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    auto *st = static_cast<ConversationState *>(conversation_get_proto_data(conv, fields.proto));
    if (st == nullptr && create) {
        st = wmem_new0(wmem_file_scope(), ConversationState);
        conversation_add_proto_data(conv, fields.proto, st);
    }
    return st;
}

void set_client(ConversationState *st, const address *addr, guint32 port)
{
    copy_address_wmem(wmem_file_scope(), &st->client_addr, addr);
    st->client_port = port;
    st->client_known = true;
}

int direction(ConversationState *st, packet_info *pinfo)
{
    if (!st->client_known) {
        // Mid-stream: the client is the side talking to a server port.
        bool to_server = value_is_in_range(pref_ports, pinfo->destport) ||
                         (!value_is_in_range(pref_ports, pinfo->srcport) && pinfo->srcport > pinfo->destport);
        if (to_server)
            set_client(st, &pinfo->src, pinfo->srcport);
        else
            set_client(st, &pinfo->dst, pinfo->destport);
    }
    return addresses_equal(&pinfo->src, &st->client_addr) && pinfo->srcport == st->client_port ? kClientToServer
                                                                                                : kServerToClient;
}

// ---- Detection ------------------------------------------------------------------------

// Do the bytes look like consecutive FunXMPP frames of `d` (for streams seen mid-way)?
bool plausible_frames(const guint8 *p, std::size_t n, const Dialect &d)
{
    std::size_t pos = 0;
    bool any = false;
    while (pos + d.header_size <= n) {
        FrameParse f = parse_frame(p + pos, n - pos, d.header_size);
        if (f.status == FrameStatus::Malformed || (f.header.flags & kFlagReserved) != 0 ||
            ((f.header.flags & kFlagClientEncrypted) != 0 && d.version != Version{1, 2}))
            return false;
        std::size_t payload = pos + d.header_size;
        if (!f.header.encrypted() && payload < n) {
            bool keep_alive = f.header.length == 1 && p[payload] == 0x00;
            if (!keep_alive && p[payload] != 0xF8 && p[payload] != 0xF9)
                return false;
        }
        any = true;
        pos += f.header.total_size();
    }
    return any;
}

enum class Claim { Prologue, MidStream, No, Successor };

Claim classify(tvbuff_t *tvb, Version &version)
{
    const std::size_t n = std::min<std::size_t>(tvb_captured_length(tvb), 64);
    const guint8 *p = tvb_get_ptr(tvb, 0, static_cast<gint>(n));
    Prologue pro = parse_prologue(p, n);
    switch (pro.kind) {
    case StreamKind::FunXmpp:
        version = pro.version;
        // What follows the prologue (usually the stream start, same segment) must be frames.
        return n == pro.size || plausible_frames(p + pro.size, n - pro.size, *dialect_for(version)) ? Claim::Prologue
                                                                                                     : Claim::No;
    case StreamKind::Successor:
    case StreamKind::UnknownFunXmpp: return Claim::Successor;
    case StreamKind::NeedMore: return Claim::No;
    case StreamKind::NotWhatsApp: break;
    }
    version = preferred_dialect().version;
    return plausible_frames(p, n, preferred_dialect()) ? Claim::MidStream : Claim::No;
}

// Records a claimed conversation; the client is the sender of a prologue.
void claim(ConversationState *st, packet_info *pinfo, Claim c, Version version)
{
    st->dialect = dialect_for(version);
    if (c == Claim::Prologue)
        set_client(st, &pinfo->src, pinfo->srcport);
    conversation_set_dissector(find_or_create_conversation(pinfo), funxmpp_handle);
}

// ---- Framing --------------------------------------------------------------------------

struct PacketContext {
    ConversationState *st;
    int dir;
    bool pdu_is_prologue;  // set by get_pdu_len for the PDU about to be dissected
};

bool prologue_at(const PacketContext &ctx, packet_info *pinfo, tvbuff_t *tvb, int offset)
{
    if (offset != 0 || tvb_get_guint8(tvb, 0) != 'W' || tvb_get_guint8(tvb, 1) != 'A')
        return false;
    const DirectionState &d = ctx.st->dir[ctx.dir];
    if (PINFO_FD_VISITED(pinfo))
        return d.has_prologue && (d.prologue_first == pinfo->num || d.prologue_frame == pinfo->num);
    return !d.started;
}

guint get_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    auto *ctx = static_cast<PacketContext *>(data);
    ctx->pdu_is_prologue = prologue_at(*ctx, pinfo, tvb, offset);
    if (ctx->pdu_is_prologue) {
        DirectionState &d = ctx->st->dir[ctx->dir];
        if (!PINFO_FD_VISITED(pinfo) && !d.has_prologue) {
            d.has_prologue = true;
            d.prologue_first = pinfo->num;
        }
        return 4;
    }
    const unsigned hs = ctx->st->dialect->header_size;
    guint8 header[3];
    tvb_memcpy(tvb, header, offset, hs);
    return static_cast<guint>(parse_frame(header, hs, hs).header.total_size());
}

void add_version_item(proto_tree *tree, tvbuff_t *tvb, const Dialect &d)
{
    char v[8];
    std::snprintf(v, sizeof v, "%u.%u", d.version.major, d.version.minor);
    proto_item_set_generated(proto_tree_add_string(tree, fields.version, tvb, 0, 0, v));
}

void dissect_prologue(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree)
{
    const guint8 major = tvb_get_guint8(tvb, 2), minor = tvb_get_guint8(tvb, 3);
    proto_item_append_text(top, ", Prologue WA %u.%u", major, minor);
    proto_item *pi = proto_tree_add_item(tree, fields.prologue, tvb, 0, 4, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(pi, fields.ett_prologue);
    char v[8];
    std::snprintf(v, sizeof v, "%u.%u", major, minor);
    proto_tree_add_string(pt, fields.version, tvb, 2, 2, v);
    (void)pinfo;
}

void dissect_payload(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree, const Dialect &d)
{
    const guint8 *bytes = tvb_get_ptr(tvb, offset, length);
    const char *xml = nullptr, *summary = nullptr;
    DecodeResult result;
    char error[160] = "";
    {   // C++ temporaries live only here, before any call into Wireshark's API.
        StanzaText text = render_stanza(d, bytes, static_cast<std::size_t>(length));
        result = text.result;
        if (!text.xml.empty())
            xml = wmem_strdup(pinfo->pool, text.xml.c_str());
        summary = wmem_strdup(pinfo->pool, text.summary.c_str());
        if (!result.ok())
            std::snprintf(error, sizeof error, "%s", result.error.message().c_str());
    }

    if (result.ok())
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", summary);
    else
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s%s[Malformed: %s]", summary, *summary ? " " : "", error);

    if (result.keep_alive) {
        proto_tree_add_item(tree, fields.keep_alive, tvb, offset, 1, ENC_NA);
        return;
    }
    if (tree != nullptr) {
        ProtoTreeBuilder builder(tvb, offset, pinfo, tree);
        decode_payload(d, bytes, static_cast<std::size_t>(length), builder);
        if (!result.ok())
            builder.close_unfinished(static_cast<std::uint32_t>(length));
    }
    if (!result.ok()) {
        const int at = static_cast<int>(result.error.offset);
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_decode[static_cast<int>(result.error.kind)], tvb,
                                     offset + at, length - at, "%s", error);
    }
    if (xml != nullptr)
        proto_tree_add_string(tree, fields.xml, tvb, offset, length, xml);
}

int dissect_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, void *data)
{
    auto *ctx = static_cast<PacketContext *>(data);
    DirectionState &dir = ctx->st->dir[ctx->dir];
    const Dialect &d = *ctx->st->dialect;
    proto_item *top = proto_tree_add_item(parent, fields.proto, tvb, 0, -1, ENC_NA);
    proto_tree *tree = proto_item_add_subtree(top, fields.ett_funxmpp);
    proto_item_append_text(top, ", %s", ctx->dir == kClientToServer ? "Client to server" : "Server to client");

    if (ctx->pdu_is_prologue) {
        if (!PINFO_FD_VISITED(pinfo)) {
            dir.started = true;
            dir.prologue_frame = pinfo->num;
        }
        dissect_prologue(tvb, pinfo, top, tree);
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
        return static_cast<int>(hs);
    }
    if (h.encrypted()) {
        proto_item *ep = proto_tree_add_item(tree, fields.encrypted_payload, tvb, offset, length, ENC_NA);
        proto_item_set_text(ep, "Encrypted payload (%d bytes)", length);
        expert_add_info(pinfo, ep, &fields.ei_encrypted);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame (%d bytes)", length);
        return offset + length;
    }
    if (h.compressed()) {
        tvbuff_t *inflated = funxmpp_tvb_child_uncompress_zlib(tvb, tvb, offset, length);
        if (inflated == nullptr) {
            proto_tree_add_expert(tree, pinfo, &fields.ei_decompression, tvb, offset, length);
            col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: compressed frame does not inflate]");
            return offset + length;
        }
        add_new_data_source(pinfo, inflated, "Decompressed FunXMPP");
        dissect_payload(inflated, 0, static_cast<int>(tvb_reported_length(inflated)), pinfo, tree, d);
        return offset + length;
    }
    dissect_payload(tvb, offset, length, pinfo, tree, d);
    return offset + length;
}

// ---- Dissector entry points -------------------------------------------------------------

constexpr guint kMinimumPduBytes = 3;  // a 3-byte header, or 2-byte header + 1 payload byte, or "WA" + major

int dissect_funxmpp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    ConversationState *st = conversation_state(pinfo, true);
    if (st->dialect == nullptr && !st->rejected) {
        // "Decode As" or -d: the user says it is FunXMPP; only a successor prologue says no.
        Version version;
        Claim c = classify(tvb, version);
        if (c == Claim::Successor) {
            st->rejected = true;
        } else {
            claim(st, pinfo, c == Claim::Prologue ? Claim::Prologue : Claim::MidStream,
                  c == Claim::Prologue ? version : preferred_dialect().version);
        }
    }
    if (st->rejected)
        return 0;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "FunXMPP");
    col_clear(pinfo->cinfo, COL_INFO);
    PacketContext ctx{st, direction(st, pinfo), false};
    tcp_dissect_pdus(tvb, pinfo, tree, pref_desegment, kMinimumPduBytes, get_pdu_len, dissect_pdu, &ctx);
    return static_cast<int>(tvb_captured_length(tvb));
}

gboolean dissect_funxmpp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    Version version;
    if (tvb_captured_length(tvb) < 4 || classify(tvb, version) != Claim::Prologue)
        return FALSE;
    ConversationState *st = conversation_state(pinfo, true);
    if (st->rejected)
        return FALSE;
    if (st->dialect == nullptr)
        claim(st, pinfo, Claim::Prologue, version);
    dissect_funxmpp(tvb, pinfo, tree, data);
    return TRUE;
}

// Registered on our TCP ports (443, 5222 by default) in front of their earlier owners
// (TLS, XMPP): claims FunXMPP streams and hands everything else back unchanged. It has no
// protocol of its own, so packets it hands back carry no funxmpp layer.
int dissect_port_gate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    ConversationState *st = conversation_state(pinfo, true);
    if (st->dialect == nullptr && !st->rejected) {
        Version version;
        Claim c = classify(tvb, version);
        if (c == Claim::Prologue || c == Claim::MidStream)
            claim(st, pinfo, c, version);
        else
            st->rejected = true;
    }
    if (!st->rejected)
        return call_dissector_only(funxmpp_handle, tvb, pinfo, tree, data);
    auto fallback = port_fallbacks.find(pinfo->match_uint);
    if (fallback == port_fallbacks.end())
        return 0;
    return call_dissector_only(fallback->second, tvb, pinfo, tree, data);
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
}

void proto_reg_handoff_funxmpp()
{
    port_gate_handle = create_dissector_handle_with_name_and_description(
        dissect_port_gate, -1, "funxmpp_port_gate", "FunXMPP, else the port's usual protocol");
    heur_dissector_add("tcp", dissect_funxmpp_heur, "FunXMPP over TCP", "funxmpp_tcp", fields.proto, HEURISTIC_ENABLE);
    dissector_add_for_decode_as("tcp.port", funxmpp_handle);
    register_ports();
}

}  // namespace
}  // namespace funxmpp::ws

// ---- Plugin entry points ----------------------------------------------------------------

extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC void plugin_register(void);
#ifdef FUNXMPP_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif
}

const char plugin_version[] = FUNXMPP_PLUGIN_VERSION;
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

void plugin_register(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = funxmpp::ws::proto_register_funxmpp;
    plugin.register_handoff = funxmpp::ws::proto_reg_handoff_funxmpp;
    proto_register_plugin(&plugin);
}

#ifdef FUNXMPP_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
