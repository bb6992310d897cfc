// SPDX-License-Identifier: GPL-2.0-or-later
#include "frame_view.hpp"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include <cstdio>
#include <cstring>

#include "display/stanza_text.hpp"
#include "fields.hpp"
#include "proto_tree_builder.hpp"
#include "taps.hpp"

namespace funxmpp::ws {

namespace {

// One record for the tap (statistics, decoded-stream view); only when someone listens.
void tap_frame(packet_info *pinfo, const PacketContext &ctx, TapFrame kind, guint32 length, const char *tag = nullptr,
               const char *type = nullptr, const char *peer = nullptr, const char *xml = nullptr,
               const char *login = nullptr)
{
    if (!have_tap_listener(funxmpp_tap()))
        return;
    auto *r = wmem_new0(pinfo->pool, TapRecord);
    r->frame = kind;
    r->decrypted = ctx.decrypted;
    r->direction = static_cast<guint8>(ctx.dir);
    conversation_t *conv = find_or_create_conversation(pinfo);
    struct tcp_analysis *tcp = get_tcp_conversation_data(conv, pinfo);
    r->stream = tcp != nullptr ? tcp->stream : 0;
    r->length = length;
    r->tag = tag;
    r->type = type;
    r->peer = peer;
    r->xml = xml;
    r->login = login;
    const ConversationState *st = ctx.st;
    r->version = wmem_strdup_printf(pinfo->pool, "%u.%u", st->dialect->version.major, st->dialect->version.minor);
    const bool from_client = ctx.dir == kClientToServer;
    r->client = wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, &st->client_addr), st->client_port);
    r->server = wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, from_client ? &pinfo->dst : &pinfo->src),
                                   from_client ? pinfo->destport : pinfo->srcport);
    tap_queue_packet(funxmpp_tap(), pinfo, r);
}

}  // namespace

void tap_malformed_frame(packet_info *pinfo, const PacketContext &ctx)
{
    tap_frame(pinfo, ctx, TapFrame::Malformed, 0);
}

void add_version_item(proto_tree *tree, tvbuff_t *tvb, const Dialect &d)
{
    if (!proto_field_is_referenced(tree, fields.version))
        return;  // not shown, not filtered on: skip the formatting
    char v[8];
    std::snprintf(v, sizeof v, "%u.%u", d.version.major, d.version.minor);
    proto_item_set_generated(proto_tree_add_string(tree, fields.version, tvb, 0, 0, v));
}

void dissect_prologue(tvbuff_t *tvb, proto_item *top, proto_tree *tree)
{
    const guint8 major = tvb_get_uint8(tvb, 2), minor = tvb_get_uint8(tvb, 3);
    proto_item_append_text(top, ", Prologue WA %u.%u", major, minor);
    proto_item *pi = proto_tree_add_item(tree, fields.prologue, tvb, 0, 4, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(pi, fields.ett_prologue);
    char v[8];
    std::snprintf(v, sizeof v, "%u.%u", major, minor);
    proto_tree_add_string(pt, fields.version, tvb, 2, 2, v);
}

namespace {

// What a login stanza came to, in words (tree label and statistics alike).
const char *login_outcome(const LoginFacts &l)
{
    if (l.blob_valid)
        return "the password fits";
    switch (l.problem) {
    case LoginProblem::NoPassword: return "no password";
    case LoginProblem::NoNonce: return "no nonce";
    case LoginProblem::InvalidEntry: return "the table's password is not base64";
    default: return "the password does not fit";
    }
}

void add_login(proto_tree *tree, tvbuff_t *tvb, int offset, int length, packet_info *pinfo, const LoginFacts &l)
{
    static const char *const kKeyNames[4] = {"K1 (client RC4)", "K2 (client MAC)", "K3 (server RC4)", "K4 (server MAC)"};
    proto_item *li = proto_tree_add_item(tree, fields.auth, tvb, offset, length, ENC_NA);
    proto_item_set_generated(li);
    proto_item_set_text(li, "Login: %s%s", l.fast ? "fast re-login, " : "", login_outcome(l));
    proto_tree *lt = proto_item_add_subtree(li, fields.ett_auth);
    proto_item_set_generated(proto_tree_add_string(lt, fields.auth_phone, tvb, offset, 0, l.phone));
    proto_item_set_generated(proto_tree_add_string(lt, fields.auth_mechanism, tvb, offset, 0,
                                                   l.mechanism == AuthMechanism::Wauth1 ? "WAUTH-1" : "WAUTH-2"));
    if (l.nonce_length > 0) {
        proto_item_set_generated(proto_tree_add_bytes_with_length(lt, fields.auth_nonce, tvb, offset, 0, l.nonce,
                                                                  static_cast<gint>(l.nonce_length)));
        const char *from = !l.fast ? "the challenge" : l.nonce_from_earlier_session ? "an earlier session's success"
                                                                                    : "the passwords table";
        proto_item_set_generated(proto_tree_add_string(lt, fields.auth_nonce_source, tvb, offset, 0, from));
    }
    if (*l.password_source != '\0')
        proto_item_set_generated(proto_tree_add_string(lt, fields.auth_password_source, tvb, offset, 0, l.password_source));
    for (guint8 i = 0; i < l.key_count; ++i) {
        proto_item *ki = proto_tree_add_bytes_with_length(lt, fields.auth_key, tvb, offset, 0, l.keys[i], kKeySize);
        proto_item_set_generated(ki);
        if (l.key_count == 4)
            proto_item_append_text(ki, " %s", kKeyNames[i]);
    }
    if (l.keys_derived)
        proto_item_set_generated(proto_tree_add_boolean(lt, fields.auth_blob_valid, tvb, offset, 0, l.blob_valid));
    switch (l.problem) {
    case LoginProblem::None: break;
    case LoginProblem::NoPassword:
        expert_add_info_format(pinfo, li, &fields.ei_no_password, "No password for %s: the session stays encrypted",
                               l.phone);
        break;
    case LoginProblem::NoNonce:
        expert_add_info_format(pinfo, li, &fields.ei_no_nonce,
                               "Fast re-login of %s: no earlier session in the capture and no nonce in the table",
                               l.phone);
        break;
    case LoginProblem::InvalidEntry:
        expert_add_info_format(pinfo, li, &fields.ei_invalid_entry,
                               "The passwords table's password for %s is not base64: the session stays encrypted",
                               l.phone);
        break;
    case LoginProblem::WrongPassword:
        expert_add_info_format(pinfo, li, &fields.ei_wrong_password,
                               "The login blob of %s does not decrypt with this password and nonce: a wrong "
                               "password, or a stale nonce (the server then sends a challenge)",
                               l.phone);
        break;
    }
}

}  // namespace

void dissect_payload(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree, const Dialect &d,
                     PacketContext &ctx)
{
    const guint8 *bytes = tvb_get_ptr(tvb, offset, length);
    if (!PINFO_FD_VISITED(pinfo)) {
        const LoginFacts *login = nullptr;
        {   // C++ temporaries live only here.
            LoginReport r = session_of(ctx.st)->observe(static_cast<Direction>(ctx.dir), bytes,
                                                        static_cast<std::size_t>(length));
            if (r.login)
                login = keep_login(r);
        }
        if (login != nullptr)
            frame_facts(pinfo, ctx.pdu_index, true)->login = login;
    }
    // Nothing shows this pass (no column, no tap of ours, a tree nobody reads, as in tshark -q
    // -z endpoints,tcp): following the login above is all there is to do.
    if (!anything_wanted(tree, pinfo, have_tap_listener(funxmpp_tap())))
        return;
    // The XML is wanted by a visible tree, by a filter or field extraction naming
    // funxmpp.xml, or by the decoded-stream view.
    const bool with_xml = (tree != nullptr && (PTREE_DATA(tree)->visible || proto_field_is_referenced(tree, fields.xml))) ||
                          have_tap_listener(funxmpp_tap());
    const char *xml = nullptr, *summary = nullptr, *tag = nullptr, *type = nullptr, *peer = nullptr;
    DecodeResult result;
    char error[160] = "";
    {   // C++ temporaries live only here, before any call into Wireshark's API.
        StanzaText text = render_stanza(d, bytes, static_cast<std::size_t>(length), with_xml);
        result = text.result;
        if (!text.xml.empty())
            xml = wmem_strdup(pinfo->pool, text.xml.c_str());
        summary = wmem_strdup(pinfo->pool, text.summary.c_str());
        tag = wmem_strdup(pinfo->pool, text.tag.c_str());
        type = wmem_strdup(pinfo->pool, text.type.c_str());
        peer = wmem_strdup(pinfo->pool, text.peer.c_str());
        if (!result.ok())
            std::snprintf(error, sizeof error, "%s", result.error.message().c_str());
    }

    if (result.ok())
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", summary);
    else
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s%s[Malformed: %s]", summary, *summary ? " " : "", error);

    const FrameFacts *facts = frame_facts(pinfo, ctx.pdu_index, false);
    const LoginFacts *login = facts != nullptr ? facts->login : nullptr;
    if (result.keep_alive) {
        proto_tree_add_item(tree, fields.keep_alive, tvb, offset, 1, ENC_NA);
        tap_frame(pinfo, ctx, TapFrame::KeepAlive, static_cast<guint32>(length));
        return;
    }
    tap_frame(pinfo, ctx, !result.ok() ? TapFrame::Malformed : ctx.decrypted ? TapFrame::Decrypted : TapFrame::Plaintext,
              static_cast<guint32>(length), tag, type, peer, xml, login != nullptr ? login_outcome(*login) : nullptr);
    if (element_tree_wanted(tree)) {
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
    if (login != nullptr)
        add_login(tree, tvb, offset, length, pinfo, *login);
}

tvbuff_t *inflate(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree,
                  const PacketContext &ctx)
{
    tvbuff_t *inflated = funxmpp_tvb_child_uncompress_zlib(tvb, tvb, offset, length);
    if (inflated == nullptr) {
        proto_tree_add_expert(tree, pinfo, &fields.ei_decompression, tvb, offset, length);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: compressed frame does not inflate]");
        tap_frame(pinfo, ctx, TapFrame::Malformed, static_cast<guint32>(length));
        return nullptr;
    }
    add_new_data_source(pinfo, inflated, "Decompressed FunXMPP");
    return inflated;
}

// An encrypted frame: decrypted on the first pass if this direction has keys, then shown
// from what that pass kept.
void dissect_encrypted(tvbuff_t *tvb, int offset, int length, const FrameHeader &h, packet_info *pinfo,
                       proto_tree *tree, PacketContext &ctx)
{
    FrameFacts *facts = frame_facts(pinfo, ctx.pdu_index, !PINFO_FD_VISITED(pinfo));
    if (!PINFO_FD_VISITED(pinfo)) {
        facts->encrypted = true;
        const guint8 *payload = tvb_get_ptr(tvb, offset, length);
        DecryptStatus status;
        const guint8 *plaintext = nullptr;
        guint32 plaintext_length = 0;
        {   // C++ temporaries live only here.
            DecryptResult r = session_of(ctx.st)->decrypt(static_cast<Direction>(ctx.dir), payload,
                                                          static_cast<std::size_t>(length));
            status = r.status;
            if (status == DecryptStatus::Decrypted) {
                plaintext = static_cast<const guint8 *>(
                    wmem_memdup(wmem_file_scope(), r.plaintext.data(), r.plaintext.size()));
                plaintext_length = static_cast<guint32>(r.plaintext.size());
            }
        }
        facts->status = status;
        facts->plaintext = plaintext;
        facts->plaintext_length = plaintext_length;
    }
    const DecryptStatus status = facts != nullptr ? facts->status : DecryptStatus::NoKeys;

    proto_item *ep = proto_tree_add_item(tree, fields.encrypted_payload, tvb, offset, length, ENC_NA);
    proto_item_set_text(ep, "Encrypted payload (%d bytes)", length);
    switch (status) {
    case DecryptStatus::Decrypted: {
        proto_item_set_generated(proto_tree_add_boolean(tree, fields.mac_valid, tvb, offset, length, TRUE));
        // The plaintext is kept for the file: the child tvb needs no free function.
        tvbuff_t *plain = tvb_new_child_real_data(tvb, facts->plaintext, facts->plaintext_length,
                                                  static_cast<gint>(facts->plaintext_length));
        add_new_data_source(pinfo, plain, "Decrypted FunXMPP");
        int plain_length = static_cast<int>(facts->plaintext_length);
        if (h.compressed()) {
            plain = inflate(plain, 0, plain_length, pinfo, tree, ctx);
            if (plain == nullptr)
                return;
            plain_length = static_cast<int>(tvb_reported_length(plain));
        }
        ctx.decrypted = true;
        dissect_payload(plain, 0, plain_length, pinfo, tree, *ctx.st->dialect, ctx);
        ctx.decrypted = false;
        return;
    }
    case DecryptStatus::MacMismatch: {
        proto_item *mi = proto_tree_add_boolean(tree, fields.mac_valid, tvb, offset, length, FALSE);
        proto_item_set_generated(mi);
        expert_add_info(pinfo, mi, &fields.ei_mac_mismatch);
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame (%d bytes, MAC mismatch)", length);
        tap_frame(pinfo, ctx, TapFrame::MacMismatch, static_cast<guint32>(length));
        return;
    }
    case DecryptStatus::StoppedEarlier:
        expert_add_info(pinfo, ep, &fields.ei_stopped);
        break;
    case DecryptStatus::NoKeys:
        expert_add_info(pinfo, ep, &fields.ei_encrypted);
        break;
    }
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "encrypted frame (%d bytes)", length);
    tap_frame(pinfo, ctx, TapFrame::Encrypted, static_cast<guint32>(length));
}

}  // namespace funxmpp::ws
