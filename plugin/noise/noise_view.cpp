// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise/noise_view.hpp"

#include <epan/expert.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "codec/noise.hpp"
#include "codec/noise_payloads.hpp"
#include "fields.hpp"
#include "funxmpp/frame_view.hpp"
#include "noise/noise_decrypt.hpp"
#include "taps.hpp"

namespace funxmpp::ws {

using noise::FrameRole;
using noise::HandshakeKind;
using noise::UnitKind;
using noise::UnitProblem;

NoiseUnitRecord learn_noise_unit(NoiseConnection *nc, int dir, const noise::StreamUnit &u, const guint8 *bytes,
                                 std::size_t captured, std::size_t on_wire)
{
    NoiseUnitRecord r{};
    r.kind = u.kind;
    r.problem = u.problem;
    // A unit whose header is here and that the wire holds whole, but the capture does not:
    // it still takes its place (the frames after it keep their roles and counters).
    r.cut_short = u.status == noise::UnitStatus::NeedMore && captured >= u.header() && u.size > u.header() &&
                  on_wire >= u.size;
    if (u.status != noise::UnitStatus::Unit && !r.cut_short)
        return r;
    if (u.kind == UnitKind::Prologue) {
        nc->version = u.version;
        nc->version_known = true;
    } else if (u.kind == UnitKind::Frame) {
        const std::size_t payload = std::min<std::size_t>(u.length, captured - noise::kFrameHeader);
        r.frame = nc->progress.assign(dir, bytes + noise::kFrameHeader, payload);
        r.assigned = true;
        if (!r.cut_short)
            learn_noise_secrets(nc, dir, r, bytes + noise::kFrameHeader, u.length);
    }
    return r;
}

namespace {

void take_columns(packet_info *pinfo, bool &columns_taken)
{
    if (columns_taken)
        return;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "FunXMPP");
    col_clear(pinfo->cinfo, COL_INFO);
    columns_taken = true;
}

proto_tree *top_item(tvbuff_t *tvb, proto_tree *parent, int dir, proto_item **top)
{
    *top = proto_tree_add_item(parent, fields.proto, tvb, 0, -1, ENC_NA);
    proto_item_append_text(*top, ", %s", dir == kClientToServer ? "Client to server" : "Server to client");
    return proto_item_add_subtree(*top, fields.ett_noise);
}

void version_items(proto_tree *tree, tvbuff_t *tvb, int offset, int length, Version v, bool generated)
{
    char text[8];
    std::snprintf(text, sizeof text, "%u.%u", v.major, v.minor);
    proto_item *vi = proto_tree_add_string(tree, fields.version, tvb, offset, length, text);
    if (dialect_for(v) != nullptr) {
        proto_item *di = proto_tree_add_uint(tree, fields.noise_dictionary, tvb, offset + length - 1, length > 0 ? 1 : 0,
                                             v.minor);
        if (generated)
            proto_item_set_generated(di);
    }
    if (generated)
        proto_item_set_generated(vi);
}

void show_prologue(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree)
{
    const Version v{tvb_get_uint8(tvb, 2), tvb_get_uint8(tvb, 3)};
    proto_item_append_text(top, ", Prologue WA %u.%u", v.major, v.minor);
    proto_item *pi = proto_tree_add_item(tree, fields.prologue, tvb, 0, 4, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(pi, fields.ett_prologue);
    version_items(pt, tvb, 2, 2, v, false);
    if (!noise::known_successor_version(v))
        expert_add_info_format(pinfo, pi, &fields.ei_noise_unknown_version,
                               "WA %u.%u: no client is known to use this version; its node dictionary is unknown",
                               v.major, v.minor);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "WA %u.%u", v.major, v.minor);
}

void show_routing_prefix(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree, UnitProblem problem)
{
    proto_item_append_text(top, ", Routing prefix");
    proto_item *pi = proto_tree_add_item(tree, fields.noise_routing_prefix, tvb, 0, -1, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(pi, fields.ett_prologue);
    guint32 length = 0;
    proto_item *li = proto_tree_add_item_ret_uint(pt, fields.noise_routing_length, tvb, 4, 3, ENC_BIG_ENDIAN, &length);
    if (problem == UnitProblem::RoutingTooLong) {
        expert_add_info_format(pinfo, li, &fields.ei_noise_routing,
                               "Routing info of %u bytes (at most %u expected): the stream cannot be followed", length,
                               noise::kMaxRoutingInfo);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: routing info too long]");
        return;
    }
    proto_tree_add_item(pt, fields.noise_routing_info, tvb, 7, static_cast<int>(length), ENC_NA);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Routing prefix");
}

const char *xx_problem_text(noise::XxProblem p)
{
    switch (p) {
    case noise::XxProblem::None: return "opened";
    case noise::XxProblem::WrongEphemeral: return "its ephemeral private key is not the ClientHello's";
    case noise::XxProblem::ServerStatic: return "ServerHello.static does not open";
    case noise::XxProblem::Certificate: return "ServerHello.payload does not open";
    case noise::XxProblem::ClientStatic: return "ClientFinish.static does not open to the client's static key";
    case noise::XxProblem::ClientPayload: return "ClientFinish.payload does not open";
    case noise::XxProblem::Refused: return "libgcrypt refused, or a key has the wrong size";
    }
    return "not opened";
}

void add_number(proto_tree *tree, int hf, tvbuff_t *tvb, const noise::Number &n)
{
    if (n.present)
        proto_tree_add_uint64(tree, hf, tvb, static_cast<int>(n.offset), static_cast<int>(n.length), n.value);
}

void add_time(proto_tree *tree, int hf, tvbuff_t *tvb, const noise::Number &n)
{
    if (!n.present)
        return;
    nstime_t t;
    t.secs = static_cast<time_t>(n.value);
    t.nsecs = 0;
    proto_tree_add_time(tree, hf, tvb, static_cast<int>(n.offset), static_cast<int>(n.length), &t);
}

// The opened ServerHello payload: the leaf and intermediate certificates, and whether the
// leaf's key is the server's static key (SUCCESSOR 2.2).
void show_cert_chain(tvbuff_t *parent, packet_info *pinfo, proto_tree *tree, const NoiseOpenedHandshake &o)
{
    tvbuff_t *tvb = tvb_new_child_real_data(parent, o.certificate, o.certificate_length, o.certificate_length);
    add_new_data_source(pinfo, tvb, "Decrypted certificate chain");
    const noise::CertChain chain = noise::parse_cert_chain(o.certificate, o.certificate_length);
    const struct {
        const noise::Certificate *cert;
        const char *name;
    } certs[] = {{&chain.leaf, "Leaf certificate"}, {&chain.intermediate, "Intermediate certificate"}};
    for (const auto &[c, name] : certs) {
        if (!c->whole.present)
            continue;
        proto_item *ci = proto_tree_add_item(tree, fields.noise_cert, tvb, static_cast<int>(c->whole.offset),
                                             static_cast<int>(c->whole.length), ENC_NA);
        proto_item_set_text(ci, "%s", name);
        proto_tree *ct = proto_item_add_subtree(ci, fields.ett_noise_message);
        add_number(ct, fields.noise_cert_serial, tvb, c->serial);
        add_number(ct, fields.noise_cert_issuer_serial, tvb, c->issuer_serial);
        if (c->key.present)
            proto_tree_add_item(ct, fields.noise_cert_key, tvb, static_cast<int>(c->key.offset),
                                static_cast<int>(c->key.length), ENC_NA);
        add_time(ct, fields.noise_cert_not_before, tvb, c->not_before);
        add_time(ct, fields.noise_cert_not_after, tvb, c->not_after);
        if (c->signature.present)
            proto_tree_add_item(ct, fields.noise_cert_signature, tvb, static_cast<int>(c->signature.offset),
                                static_cast<int>(c->signature.length), ENC_NA);
    }
    if (chain.leaf.key.present && o.server_static_known) {
        const bool same = chain.leaf.key.length == 32 &&
                          std::memcmp(o.certificate + chain.leaf.key.offset, o.server_static, 32) == 0;
        proto_item *mi = proto_tree_add_boolean(tree, fields.noise_cert_leaf_matches, tvb, 0, 0, same);
        proto_item_set_generated(mi);
        if (!same)
            expert_add_info(pinfo, mi, &fields.ei_noise_cert_mismatch);
    }
    if (chain.error != protobuf::Error::None)
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_noise_malformed, tvb, static_cast<int>(chain.error_offset), -1,
                                     "Malformed certificate chain at byte %u: %s", static_cast<unsigned>(chain.error_offset),
                                     protobuf::error_text(chain.error));
}

// The opened ClientFinish payload: the ClientPayload fields worth reading.
void show_client_payload(tvbuff_t *parent, packet_info *pinfo, proto_tree *tree, const NoiseOpenedHandshake &o)
{
    tvbuff_t *tvb = tvb_new_child_real_data(parent, o.client_payload, o.client_payload_length, o.client_payload_length);
    add_new_data_source(pinfo, tvb, "Decrypted client payload");
    const noise::ClientPayloadFields p = noise::parse_client_payload(o.client_payload, o.client_payload_length);
    add_number(tree, fields.noise_client_username, tvb, p.username);
    if (p.push_name.present)
        proto_tree_add_item(tree, fields.noise_client_push_name, tvb, static_cast<int>(p.push_name.offset),
                            static_cast<int>(p.push_name.length), ENC_UTF_8);
    if (p.passive.present)
        proto_tree_add_boolean(tree, fields.noise_client_passive, tvb, static_cast<int>(p.passive.offset),
                               static_cast<int>(p.passive.length), p.passive.value != 0);
    add_number(tree, fields.noise_client_platform, tvb, p.platform);
    if (p.version_parts > 0) {
        char v[64] = "";
        for (unsigned i = 0; i < p.version_parts; ++i)
            std::snprintf(v + std::strlen(v), sizeof v - std::strlen(v), "%s%u", i ? "." : "", p.version[i]);
        proto_tree_add_string(tree, fields.noise_client_app_version, tvb, static_cast<int>(p.app_version.offset),
                              static_cast<int>(p.app_version.length), v);
    }
    add_number(tree, fields.noise_client_connect_type, tvb, p.connect_type);
    add_number(tree, fields.noise_client_connect_reason, tvb, p.connect_reason);
    add_number(tree, fields.noise_client_device, tvb, p.device);
    if (p.error != protobuf::Error::None)
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_noise_malformed, tvb, static_cast<int>(p.error_offset), -1,
                                     "Malformed client payload at byte %u: %s", static_cast<unsigned>(p.error_offset),
                                     protobuf::error_text(p.error));
}

// What a WA_NOISE_CLIENT line opened of the handshake (generated items on the message).
void show_opened(tvbuff_t *tvb, packet_info *pinfo, proto_tree *mt, proto_item *mi, int base, int length,
                 const NoiseUnitRecord &rec)
{
    const NoiseOpenedHandshake &o = *rec.opened;
    const bool server_hello = rec.frame.role == FrameRole::ServerHello;
    const auto problem = static_cast<noise::XxProblem>(o.problem);
    if (o.server_static_known && server_hello)
        proto_item_set_generated(
            proto_tree_add_bytes_with_length(mt, fields.noise_server_static, tvb, base, length, o.server_static, 32));
    if (o.certificate != nullptr && server_hello) {
        proto_item_set_generated(
            proto_tree_add_bytes_with_length(mt, fields.noise_certificate, tvb, base, length, o.certificate, o.certificate_length));
        show_cert_chain(tvb, pinfo, mt, o);
    }
    if (o.client_static_known && !server_hello)
        proto_item_set_generated(
            proto_tree_add_bytes_with_length(mt, fields.noise_client_static, tvb, base, length, o.client_static, 32));
    if (o.client_payload != nullptr && !server_hello) {
        proto_item_set_generated(proto_tree_add_bytes_with_length(mt, fields.noise_client_payload, tvb, base, length,
                                                                  o.client_payload, o.client_payload_length));
        show_client_payload(tvb, pinfo, mt, o);
    }
    // A ServerHello's run stops where the ClientFinish is needed: that is no problem.
    const bool failed = server_hello ? problem != noise::XxProblem::ClientStatic && problem != noise::XxProblem::None
                                     : problem != noise::XxProblem::None;
    if (failed)
        expert_add_info_format(pinfo, mi, &fields.ei_noise_not_opened, "WA_NOISE_CLIENT (key log line %u): %s",
                               o.line_number, xx_problem_text(problem));
}

// The fields of a handshake message, each where it is on the wire.
void show_handshake(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree, const NoiseUnitRecord &rec,
                    ConversationState *st, int dir)
{
    const int base = static_cast<int>(noise::kFrameHeader);
    const guint length = tvb_reported_length_remaining(tvb, base);
    const HandshakeKind due = rec.frame.role == FrameRole::ClientHello   ? HandshakeKind::ClientHello
                              : rec.frame.role == FrameRole::ServerHello ? HandshakeKind::ServerHello
                                                                         : HandshakeKind::ClientFinish;
    const noise::HandshakeMessage m = noise::parse_handshake(tvb_get_ptr(tvb, base, static_cast<gint>(length)), length);
    const char *name = noise::handshake_kind_name(due);

    proto_item *mi = proto_tree_add_item(tree, fields.noise_handshake, tvb, base, static_cast<gint>(length), ENC_NA);
    proto_item_set_text(mi, "%s", name);
    proto_tree *mt = proto_item_add_subtree(mi, fields.ett_noise_message);
    proto_item_set_generated(proto_tree_add_string(mt, fields.noise_message, tvb, base, 0, name));
    proto_item_append_text(top, ", Noise %s", name);
    if ((rec.frame.role == FrameRole::ClientHello || rec.frame.role == FrameRole::ServerHello) &&
        rec.frame.pattern != noise::Pattern::Unknown) {
        const char *pattern = noise::pattern_name(rec.frame.pattern);
        proto_item_set_generated(proto_tree_add_string(mt, fields.noise_pattern, tvb, base, 0, pattern));
        proto_item_append_text(mi, " (%s)", pattern);
    }
    const char *said = rec.frame.role == FrameRole::ClientHello && rec.frame.pattern != noise::Pattern::Unknown
                           ? wmem_strdup_printf(pinfo->pool, "Noise %s (%s)", name, noise::pattern_name(rec.frame.pattern))
                           : wmem_strdup_printf(pinfo->pool, "Noise %s", name);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", said);
    tap_successor_frame(pinfo, st, dir, TapFrame::Handshake, length, said);

    if (m.kind != due && m.error == protobuf::Error::None)
        expert_add_info_format(pinfo, mi, &fields.ei_noise_not_handshake, "A %s is due here; the frame holds %s", name,
                               m.kind == HandshakeKind::None ? "no handshake message"
                                                             : noise::handshake_kind_name(m.kind));
    if (m.several_kinds)
        expert_add_info_format(pinfo, mi, &fields.ei_noise_not_handshake, "More than one handshake message in the frame");
    for (std::size_t i = 0; i < m.count; ++i) {
        const noise::HandshakeItem &item = m.items[i];
        const int at = base + static_cast<int>(item.field.offset);
        const int size = static_cast<int>(item.field.end() - item.field.offset);
        const int value_at = base + static_cast<int>(item.field.value_offset);
        const int value_size = static_cast<int>(item.field.value_length);
        const int hf = item.info != nullptr ? noise_field(m.kind, item.field.number) : -1;
        proto_item *fi = nullptr;
        if (hf == -1) {
            fi = proto_tree_add_uint(mt, fields.noise_unknown_field, tvb, at, size, item.field.number);
            expert_add_info_format(pinfo, fi, &fields.ei_noise_unknown_field, "Field %u is not one the spec names",
                                   item.field.number);
            continue;
        }
        if (item.wrong_wire_type) {
            fi = proto_tree_add_uint(mt, fields.noise_unknown_field, tvb, at, size, item.field.number);
            expert_add_info_format(pinfo, fi, &fields.ei_noise_wire_type, "Field %u (%s) has wire type %u",
                                   item.field.number, item.info->name, static_cast<unsigned>(item.field.wire));
            continue;
        }
        switch (item.info->value) {
        case noise::FieldValue::Bytes: fi = proto_tree_add_item(mt, hf, tvb, value_at, value_size, ENC_NA); break;
        case noise::FieldValue::Bool: fi = proto_tree_add_boolean(mt, hf, tvb, at, size, item.field.varint != 0); break;
        case noise::FieldValue::Enum:
            fi = proto_tree_add_uint(mt, hf, tvb, at, size, static_cast<guint32>(item.field.varint));
            break;
        }
        if (item.wrong_size)
            expert_add_info_format(pinfo, fi, &fields.ei_noise_key_size, "%s of %d bytes, %u expected", item.info->name,
                                   value_size, item.info->expected_size);
        if (item.info->extended)
            expert_add_info(pinfo, fi, &fields.ei_noise_extended);
    }
    if (rec.opened != nullptr)
        show_opened(tvb, pinfo, mt, mi, base, static_cast<int>(length), rec);
    if (m.too_many_fields)
        expert_add_info_format(pinfo, mi, &fields.ei_noise_malformed, "More than %u fields: the rest are not listed",
                               static_cast<unsigned>(noise::kMaxHandshakeItems));
    if (m.error != protobuf::Error::None)
        expert_add_info_format(pinfo, mi, &fields.ei_noise_malformed, "Malformed protobuf at byte %u of the message: %s",
                               static_cast<unsigned>(m.error_offset), protobuf::error_text(m.error));
}

// A handshake message the capture cut: its name, not its fields (they would read as malformed).
void show_cut_handshake(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree, const NoiseUnitRecord &rec,
                        ConversationState *st, int dir)
{
    const char *name = noise::frame_role_name(rec.frame.role);
    proto_item *mi = proto_tree_add_item(tree, fields.noise_handshake, tvb, static_cast<int>(noise::kFrameHeader), -1,
                                         ENC_NA);
    proto_item_set_text(mi, "%s (cut short)", name);
    proto_tree *mt = proto_item_add_subtree(mi, fields.ett_noise_message);
    proto_item_set_generated(proto_tree_add_string(mt, fields.noise_message, tvb, 0, 0, name));
    proto_item_append_text(top, ", Noise %s", name);
    const char *said = wmem_strdup_printf(pinfo->pool, "Noise %s", name);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", said);
    tap_successor_frame(pinfo, st, dir, TapFrame::Handshake, tvb_reported_length(tvb) - noise::kFrameHeader, said);
}

// What a decrypted frame holds: the flags byte, then the node (inflated first for flag 0x02),
// shown as FunXMPP stanzas are.
void show_plaintext(tvbuff_t *plain, packet_info *pinfo, proto_tree *tree, ConversationState *st, int dir)
{
    const guint length = tvb_reported_length(plain);
    if (length == 0) {
        proto_tree_add_expert(tree, pinfo, &fields.ei_noise_empty_plaintext, plain, 0, 0);
        return;
    }
    guint32 flags = 0;
    proto_item *fi = proto_tree_add_item_ret_uint(tree, fields.noise_flags, plain, 0, 1, ENC_NA, &flags);
    // Clients send 0x00 or 0x02; yowsup's WA 2.x coder named 0x01 "segmented", which no client
    // implements: the node is decoded as if the other bits were clear.
    if (flags & ~0x02u)
        expert_add_info_format(pinfo, fi, &fields.ei_noise_unknown_flags,
                               "Flag bits 0x%02x set besides 0x02 (zlib)%s: the node is decoded as if they were clear",
                               flags & ~0x02u, flags & 0x01 ? " (0x01: \"segmented\" in yowsup's WA 2.x coder)" : "");
    const Dialect *d = st->noise->version_known ? dialect_for(st->noise->version) : nullptr;
    if (d == nullptr) {
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_noise_no_dictionary, plain, 1, -1,
                                     "No node dictionary is known for WA %u.%u: the node is shown as bytes",
                                     st->noise->version.major, st->noise->version.minor);
        proto_tree_add_item(tree, fields.data, plain, 1, -1, ENC_NA);
        return;
    }
    // (Successor nodes keep nothing per frame by position: the context's is not used.)
    PacketContext ctx{st, dir, 0, 0, false, true};
    if (flags & 0x02) {
        if (tvbuff_t *node = inflate(plain, 1, static_cast<int>(length) - 1, pinfo, tree, ctx, true))
            dissect_payload(node, 0, static_cast<int>(tvb_reported_length(node)), pinfo, tree, *d, ctx, true);
        return;
    }
    dissect_payload(plain, 1, static_cast<int>(length) - 1, pinfo, tree, *d, ctx, true);
}

void show_transport(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *tree, const NoiseUnitRecord &rec,
                    guint32 length, ConversationState *st, int dir)
{
    const int base = static_cast<int>(noise::kFrameHeader);
    proto_item_set_generated(proto_tree_add_uint(tree, fields.noise_counter, tvb, 0, 0, rec.frame.counter));
    proto_item *pi = proto_tree_add_item(tree, fields.encrypted_payload, tvb, base, rec.cut_short ? -1 : static_cast<int>(length),
                                         ENC_NA);
    if (length < noise::kTagLength) {
        proto_item_append_text(top, ", encrypted frame #%u", rec.frame.counter);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame #%u (%u bytes)", rec.frame.counter, length);
        expert_add_info_format(pinfo, pi, &fields.ei_noise_short_frame, "%u bytes: shorter than the AES-GCM tag", length);
        tap_successor_frame(pinfo, st, dir, TapFrame::Malformed, length);
        return;
    }
    if (!rec.decrypt_tried) {
        proto_item_append_text(top, ", encrypted frame #%u", rec.frame.counter);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame #%u (%u bytes)", rec.frame.counter, length);
        if (rec.no_key_why != nullptr)
            expert_add_info_format(pinfo, pi, &fields.ei_noise_encrypted, "Encrypted transport frame, no key: %s",
                                   rec.no_key_why);
        else
            expert_add_info(pinfo, pi, &fields.ei_noise_encrypted);
        tap_successor_frame(pinfo, st, dir, TapFrame::Encrypted, length);
        return;
    }
    proto_item_set_generated(proto_tree_add_boolean(tree, fields.noise_tag_valid, tvb, base, static_cast<int>(length),
                                                    rec.tag_valid));
    proto_item_set_generated(proto_tree_add_string(tree, fields.noise_key_source, tvb, 0, 0, rec.key_source));
    if (!rec.tag_valid) {
        proto_item_append_text(top, ", encrypted frame #%u, tag mismatch", rec.frame.counter);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame #%u (%u bytes) [tag mismatch]",
                            rec.frame.counter, length);
        expert_add_info_format(pinfo, pi, &fields.ei_noise_tag_mismatch,
                               "AES-GCM tag mismatch with counter %u: wrong keys, or the frame was changed",
                               rec.frame.counter);
        tap_successor_frame(pinfo, st, dir, TapFrame::TagMismatch, length);
        return;
    }
    proto_item_append_text(top, ", frame #%u, decrypted", rec.frame.counter);
    tvbuff_t *plain = tvb_new_child_real_data(tvb, rec.plaintext, rec.plaintext_length, rec.plaintext_length);
    add_new_data_source(pinfo, plain, "Decrypted Noise frame");
    show_plaintext(plain, pinfo, tree, st, dir);
}

}  // namespace

void show_noise_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, ConversationState *st, int dir,
                     const NoiseUnitRecord &rec, bool &columns_taken)
{
    const NoiseConnection *nc = st->noise;
    take_columns(pinfo, columns_taken);
    proto_item *top = nullptr;
    proto_tree *tree = top_item(tvb, parent, dir, &top);
    if (rec.kind == UnitKind::RoutingPrefix) {
        show_routing_prefix(tvb, pinfo, top, tree, rec.problem);
        return;
    }
    if (rec.kind == UnitKind::Prologue) {
        show_prologue(tvb, pinfo, top, tree);
        return;
    }
    if (nc->version_known)
        version_items(tree, tvb, 0, 0, nc->version, true);
    guint32 length = 0;
    proto_item *fi = proto_tree_add_item(tree, fields.frame, tvb, 0, static_cast<int>(noise::kFrameHeader), ENC_NA);
    proto_tree *ft = proto_item_add_subtree(fi, fields.ett_frame);
    proto_tree_add_item_ret_uint(ft, fields.frame_length, tvb, 0, 3, ENC_BIG_ENDIAN, &length);
    proto_item_set_text(fi, "Frame header: %u bytes", length);
    if (rec.problem == UnitProblem::NoPrologue)
        expert_add_info(pinfo, fi, &fields.ei_noise_no_prologue);
    if (rec.resynced)
        expert_add_info_format(pinfo, fi, &fields.ei_noise_resynchronised,
                               "%u bytes before this frame are not in the capture: found again by its tag, counter %u",
                               rec.missing, rec.frame.counter);
    if (length == 0) {
        proto_item_append_text(top, ", frame of length 0");
        proto_tree_add_expert(ft, pinfo, &fields.ei_zero_length, tvb, 0, 3);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: frame of length 0]");
        tap_successor_frame(pinfo, st, dir, TapFrame::Malformed, 0);
        return;
    }
    if (!rec.assigned) {
        // Neither whole nor known to be whole: what it is cannot be said.
        proto_tree_add_item(tree, fields.noise_undecoded, tvb, static_cast<int>(noise::kFrameHeader), -1, ENC_NA);
        proto_item_append_text(top, ", incomplete frame");
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "incomplete frame");
        return;
    }
    if (rec.frame.role == FrameRole::Transport)
        show_transport(tvb, pinfo, top, tree, rec, length, st, dir);
    else if (rec.cut_short)
        show_cut_handshake(tvb, pinfo, top, tree, rec, st, dir);
    else
        show_handshake(tvb, pinfo, top, tree, rec, st, dir);
    proto_item_append_text(top, ", %u bytes", length);
    if (rec.cut_short) {
        expert_add_info_format(pinfo, top, &fields.ei_noise_cut_short,
                               "Frame cut short: %u of its %u bytes are in the capture (snapshot length, or TCP "
                               "reassembly off)",
                               tvb_captured_length(tvb), tvb_reported_length(tvb));
        col_append_str(pinfo->cinfo, COL_INFO, " [cut short]");
    }
}

void show_noise_undecoded(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *parent, int dir, Undecoded why,
                          bool &columns_taken)
{
    take_columns(pinfo, columns_taken);
    proto_item *top = nullptr;
    proto_tree *tree = top_item(tvb, parent, dir, &top);
    const char *what = why == Undecoded::Continuation ? "continuation of a frame cut short" : "undecoded bytes";
    proto_item_append_text(top, ", %s", what);
    proto_item *ui = proto_tree_add_item(tree, fields.noise_undecoded, tvb, offset, -1, ENC_NA);
    if (why == Undecoded::LostHere)
        expert_add_info(pinfo, ui, &fields.ei_noise_lost);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", what);
}

}  // namespace funxmpp::ws
