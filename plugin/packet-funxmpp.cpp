// SPDX-License-Identifier: GPL-2.0-or-later
// Protocol funxmpp: registration, preferences, stream detection, TCP framing and the
// per-frame view. Parsing is the codec's; this file only maps its results onto Wireshark.
#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include <epan/to_str.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "codec/framing.hpp"
#include "codec/version.hpp"
#include "display/stanza_text.hpp"
#include "fields.hpp"
#include "capture_state.hpp"
#include "proto_tree_builder.hpp"
#include "secrets.hpp"
#include "taps.hpp"
#include "session/session.hpp"

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
gboolean pref_registration_passwords = TRUE;
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
    ConnectionSession *session;  // login and ciphers, first pass only (owned by `sessions`)
    bool rejected;             // not FunXMPP: the port gate hands it back
    bool client_known;
    address client_addr;
    guint32 client_port;
    DirectionState dir[2];
};

// Login and cipher state lives in C++ objects for the life of the capture file; the
// conversation holds a plain pointer. Freed by the cleanup routine when the file closes.
std::vector<std::unique_ptr<ConnectionSession>> sessions;
CaptureMemory capture_memory;

void cleanup_sessions()
{
    sessions.clear();
    capture_memory = CaptureMemory{};
}

// The passwords table first, then (if allowed) what registration answers disclosed.
std::optional<Credentials> lookup_credentials(const std::string &phone)
{
    if (std::optional<Credentials> c = lookup_password(phone))
        return c;
    if (pref_registration_passwords) {
        auto it = capture_memory.registered.find(phone);
        if (it != capture_memory.registered.end())
            return it->second;
    }
    return std::nullopt;
}

ConnectionSession *session_of(ConversationState *st)
{
    if (st->session == nullptr) {
        sessions.push_back(std::make_unique<ConnectionSession>(st->dialect->version, capture_memory, lookup_credentials));
        st->session = sessions.back().get();
    }
    return st->session;
}

// ---- What the first pass learnt about a frame, for every later pass -----------------------

struct LoginFacts {
    bool fast, keys_derived, blob_valid, nonce_from_earlier_session;
    LoginProblem problem;
    AuthMechanism mechanism;
    guint8 key_count;
    guint8 keys[4][kKeySize];
    const char *phone, *password_source;
    const guint8 *nonce;
    guint32 nonce_length;
};

struct FrameFacts {
    bool encrypted;
    DecryptStatus status;
    const guint8 *plaintext;  // decrypted payload, MAC removed
    guint32 plaintext_length;
    const LoginFacts *login;
};

FrameFacts *frame_facts(packet_info *pinfo, guint32 pdu_index, bool create)
{
    auto *f = static_cast<FrameFacts *>(p_get_proto_data(wmem_file_scope(), pinfo, fields.proto, pdu_index));
    if (f == nullptr && create) {
        f = wmem_new0(wmem_file_scope(), FrameFacts);
        p_add_proto_data(wmem_file_scope(), pinfo, fields.proto, pdu_index, f);
    }
    return f;
}

const LoginFacts *keep_login(const LoginReport &r)
{
    auto *l = wmem_new0(wmem_file_scope(), LoginFacts);
    l->fast = r.fast;
    l->keys_derived = r.keys_derived;
    l->blob_valid = r.blob_valid;
    l->nonce_from_earlier_session = r.nonce_from_earlier_session;
    l->problem = r.problem;
    l->mechanism = r.mechanism;
    l->key_count = static_cast<guint8>(r.keys_derived ? r.keys.count : 0);
    for (std::size_t i = 0; i < l->key_count; ++i)
        std::memcpy(l->keys[i], r.keys.k[i].data(), kKeySize);
    l->phone = wmem_strdup(wmem_file_scope(), r.phone.c_str());
    l->password_source = wmem_strdup(wmem_file_scope(), r.password_source.c_str());
    l->nonce = static_cast<const guint8 *>(wmem_memdup(wmem_file_scope(), r.nonce.data(), r.nonce.size()));
    l->nonce_length = static_cast<guint32>(r.nonce.size());
    return l;
}

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
    // A TLS record header (content type 20-24, major version 3) is TLS seen mid-stream,
    // whatever a frame header reading of it says (with WA 1.2 it would read as plausible).
    if (n >= 3 && p[0] >= 0x14 && p[0] <= 0x18 && p[1] == 0x03 && p[2] <= 0x04)
        return Claim::No;
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
    guint32 pdu_index;     // PDUs of this packet so far: the key of what the first pass kept
    bool decrypted;        // the payload being shown was decrypted
};

// One record for the tap (statistics, decoded-stream view); only when someone listens.
void tap_frame(packet_info *pinfo, const PacketContext &ctx, TapFrame kind, guint32 length, const char *tag = nullptr,
               const char *type = nullptr, const char *peer = nullptr, const char *xml = nullptr,
               TapLogin login = TapLogin::None)
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

void dissect_prologue(tvbuff_t *tvb, proto_item *top, proto_tree *tree)
{
    const guint8 major = tvb_get_guint8(tvb, 2), minor = tvb_get_guint8(tvb, 3);
    proto_item_append_text(top, ", Prologue WA %u.%u", major, minor);
    proto_item *pi = proto_tree_add_item(tree, fields.prologue, tvb, 0, 4, ENC_NA);
    proto_tree *pt = proto_item_add_subtree(pi, fields.ett_prologue);
    char v[8];
    std::snprintf(v, sizeof v, "%u.%u", major, minor);
    proto_tree_add_string(pt, fields.version, tvb, 2, 2, v);
}

void add_login(proto_tree *tree, tvbuff_t *tvb, int offset, int length, packet_info *pinfo, const LoginFacts &l)
{
    static const char *const kKeyNames[4] = {"K1 (client RC4)", "K2 (client MAC)", "K3 (server RC4)", "K4 (server MAC)"};
    proto_item *li = proto_tree_add_item(tree, fields.auth, tvb, offset, length, ENC_NA);
    proto_item_set_generated(li);
    proto_item_set_text(li, "Login: %s%s", l.fast ? "fast re-login, " : "",
                        l.blob_valid                                  ? "the password fits"
                        : l.problem == LoginProblem::NoPassword       ? "no password"
                        : l.problem == LoginProblem::NoNonce          ? "no nonce"
                        : l.problem == LoginProblem::InvalidEntry     ? "the table's password is not base64"
                                                                      : "the password does not fit");
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
    // Nothing shows this pass (no tree, no columns, no tap listening, as in tshark -q -z
    // endpoints,tcp): following the login above is all there is to do.
    if (tree == nullptr && pinfo->cinfo == nullptr && !have_tap_listener(funxmpp_tap()))
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
    TapLogin tap_login = TapLogin::None;
    if (login != nullptr)
        tap_login = login->blob_valid                              ? TapLogin::PasswordFits
                    : login->problem == LoginProblem::NoPassword ? TapLogin::NoPassword
                    : login->problem == LoginProblem::NoNonce    ? TapLogin::NoNonce
                    : login->problem == LoginProblem::InvalidEntry ? TapLogin::NoPassword
                                                                 : TapLogin::WrongPassword;
    tap_frame(pinfo, ctx, !result.ok() ? TapFrame::Malformed : ctx.decrypted ? TapFrame::Decrypted : TapFrame::Plaintext,
              static_cast<guint32>(length), tag, type, peer, xml, tap_login);
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

// Inflates a compressed payload into its own data source; nullptr (with an expert item) if
// it does not inflate.
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

int dissect_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *parent, void *data)
{
    auto *ctx = static_cast<PacketContext *>(data);
    DirectionState &dir = ctx->st->dir[ctx->dir];
    const Dialect &d = *ctx->st->dialect;
    ++ctx->pdu_index;
    proto_item *top = proto_tree_add_item(parent, fields.proto, tvb, 0, -1, ENC_NA);
    proto_tree *tree = proto_item_add_subtree(top, fields.ett_funxmpp);
    proto_item_append_text(top, ", %s", ctx->dir == kClientToServer ? "Client to server" : "Server to client");

    if (ctx->pdu_is_prologue) {
        if (!PINFO_FD_VISITED(pinfo)) {
            dir.started = true;
            dir.prologue_frame = pinfo->num;
        }
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
        tap_frame(pinfo, *ctx, TapFrame::Malformed, 0);
        return static_cast<int>(hs);
    }
    if (h.encrypted()) {
        dissect_encrypted(tvb, offset, length, h, pinfo, tree, *ctx);
        return offset + length;
    }
    if (h.compressed()) {
        if (tvbuff_t *inflated = inflate(tvb, offset, length, pinfo, tree, *ctx))
            dissect_payload(inflated, 0, static_cast<int>(tvb_reported_length(inflated)), pinfo, tree, d, *ctx);
        return offset + length;
    }
    dissect_payload(tvb, offset, length, pinfo, tree, d, *ctx);
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
    PacketContext ctx{st, direction(st, pinfo), false, 0, false};
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
    // With FunXMPP disabled the gate is not there: everything goes to the port's owner.
    if (!proto_is_protocol_enabled(find_protocol_by_id(fields.proto)))
        st->rejected = true;
    if (st->dialect == nullptr && !st->rejected) {
        Version version;
        Claim c = classify(tvb, version);
        if (c == Claim::Prologue || c == Claim::MidStream)
            claim(st, pinfo, c, version);
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
    prefs_register_bool_preference(module, "registration_passwords", "Use passwords of registration answers",
                                   "Decrypt the FunXMPP sessions of a phone with the password that a registration "
                                   "answer (/v2/register, /v2/exist) earlier in the capture returned",
                                   &pref_registration_passwords);
    register_cleanup_routine(cleanup_sessions);
    register_taps(fields.proto);
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

void remember_registration_password(const std::string &phone, const std::string &password_base64, guint32 frame)
{
    std::optional<std::string> password = base64_decode(password_base64);
    if (!password || phone.empty())
        return;
    capture_memory.registered[phone] =
        Credentials{*password, std::string(), "registration answer in frame " + std::to_string(frame)};
}

void proto_register_wareg();
void proto_reg_handoff_wareg();

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
    static proto_plugin funxmpp_plugin, wareg_plugin;
    funxmpp_plugin.register_protoinfo = funxmpp::ws::proto_register_funxmpp;
    funxmpp_plugin.register_handoff = funxmpp::ws::proto_reg_handoff_funxmpp;
    proto_register_plugin(&funxmpp_plugin);
    wareg_plugin.register_protoinfo = funxmpp::ws::proto_register_wareg;
    wareg_plugin.register_handoff = funxmpp::ws::proto_reg_handoff_wareg;
    proto_register_plugin(&wareg_plugin);
}

#ifdef FUNXMPP_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
