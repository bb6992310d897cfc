// SPDX-License-Identifier: GPL-2.0-or-later
#include "funxmpp/frame_view.hpp"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include <cstdio>
#include <cstring>

#include "codec/inflate.hpp"
#include "cpp_scope.hpp"
#include "display/stanza_text.hpp"
#include "e2e/envelope_view.hpp"
#include "e2e/media_transfer.hpp"
#include "fields.hpp"
#include "proto_tree_builder.hpp"
#include "taps.hpp"

namespace funxmpp::ws {

namespace {

// One record for the tap (statistics, decoded-stream view); only when someone listens.
void tap_frame(packet_info *pinfo, const PacketContext &ctx, TapFrame kind, guint32 length, bool decrypted = false,
               const char *tag = nullptr, const char *type = nullptr, const char *peer = nullptr,
               const char *xml = nullptr, const char *login = nullptr, const char *handshake = nullptr,
               const char *json = nullptr, const char *summary = nullptr, const char *const *head = nullptr)
{
    if (!have_tap_listener(funxmpp_tap()))
        return;
    auto *r = wmem_new0(pinfo->pool, TapRecord);
    r->frame = kind;
    r->decrypted = decrypted;
    r->direction = static_cast<guint8>(ctx.dir);
    conversation_t *conv = find_or_create_conversation(pinfo);
    struct tcp_analysis *tcp = get_tcp_conversation_data(conv, pinfo);
    r->stream = tcp != nullptr ? tcp->stream : 0;
    r->length = length;
    r->tag = tag;
    r->type = type;
    r->peer = peer;
    if (head != nullptr)
        std::memcpy(r->head, head, sizeof r->head);
    r->xml = xml;
    r->login = login;
    r->handshake = handshake;
    r->json = json;
    r->summary = summary;
    const ConversationState *st = ctx.st;
    // (A successor stream whose prologue was not seen has no version to tell.)
    const Version v = st->dialect != nullptr ? st->dialect->version : st->noise->version;
    r->version = st->dialect == nullptr && !st->noise->version_known
                     ? "?"
                     : wmem_strdup_printf(pinfo->pool, "%u.%u", v.major, v.minor);
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

void tap_successor_frame(packet_info *pinfo, ConversationState *st, int dir, TapFrame kind, guint32 length,
                         const char *handshake)
{
    if (!have_tap_listener(funxmpp_tap()))
        return;
    const PacketContext ctx{st, dir, 0, 0, false, true};
    tap_frame(pinfo, ctx, kind, length, false, nullptr, nullptr, nullptr, nullptr, nullptr, handshake);
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
    case LoginProblem::CryptoRefused: return "libgcrypt refused the session's crypto";
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
    case LoginProblem::CryptoRefused:
        expert_add_info_format(pinfo, li, &fields.ei_crypto_refused,
                               "libgcrypt refused PBKDF2, RC4 or HMAC-SHA1 (FIPS mode?): the session of %s stays "
                               "encrypted",
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

namespace {

void *pool_allocate(void *pool, std::size_t size)
{
    return wmem_alloc(static_cast<wmem_allocator_t *>(pool), size);
}

// What one decode of a stanza gave, as plain data in pinfo->pool: every consumer reads this.
struct DecodedFrame {
    bool internal_error;
    DecodeResult result;
    char error[160];
    const char *xml, *summary, *tag, *type, *peer;
    const char *head[4];  // the top-level element's type, from, to, id (nullptr: none), when wanted
    Recording events;
    const LoginFacts *login;  // a login this pass followed
    const EnvelopeAt *envelopes;  // end-to-end envelopes in the stanza (DESIGN 2.8)
    std::size_t envelope_count;
};
FUNXMPP_PLAIN(DecodedFrame);

// The one decode of a frame payload, in a C++ scope of its own: on the first pass it also
// moves the connection's login on. A pass that wants nothing of the stanza only looks at the
// top-level tag, and decodes just the stanzas that may move a login, or (`collect_media`) the
// messages, whose end-to-end payloads name media files.
void decode_frame(wmem_allocator_t *pool, const guint8 *bytes, std::size_t length, const Dialect &d,
                  const PacketContext &ctx, const StanzaWants &wants, bool wanted, bool first_pass,
                  bool collect_media, DecodedFrame &out)
{
    out.internal_error = !cpp_scope([&] {
        const bool login = first_pass && ctx.st->noise == nullptr;  // (successor logins are Noise's)
        if (!wanted) {
            if (!login && !collect_media)
                return;
            const std::string tag = top_level_tag(d, bytes, length);
            if (!(login && may_move_login(tag)) && !(collect_media && tag == "message"))
                return;
        }
        StanzaWants w = wants;
        w.login = login;
        StanzaText text = decode_stanza(d, bytes, length, w);
        out.result = text.result;
        out.events = text.events;
        if (!text.xml.empty())
            out.xml = wmem_strdup(pool, text.xml.c_str());
        out.summary = wmem_strdup(pool, text.summary.c_str());
        out.envelope_count = text.envelopes.size();
        if (!text.envelopes.empty())
            out.envelopes = static_cast<const EnvelopeAt *>(
                wmem_memdup(pool, text.envelopes.data(), text.envelopes.size() * sizeof(EnvelopeAt)));
        out.tag = wmem_strdup(pool, text.tag.c_str());
        out.type = wmem_strdup(pool, text.type.c_str());
        out.peer = wmem_strdup(pool, text.peer.c_str());
        const HeadAttribute *head[4] = {&text.head.type, &text.head.from, &text.head.to, &text.head.id};
        for (int i = 0; i < 4; ++i)
            out.head[i] = head[i]->present ? wmem_strdup(pool, head[i]->value.c_str()) : nullptr;
        if (!text.result.ok())
            std::snprintf(out.error, sizeof out.error, "%s", text.result.error.message().c_str());
        if (login && !text.login.tag.empty()) {
            LoginReport r = session_of(ctx.st)->observe(static_cast<Direction>(ctx.dir), text.login);
            if (r.login)
                out.login = keep_login(r);
        }
    });
}

// The end-to-end fields alone, for a pass that reads nothing else of the tree (tshark -T fields
// -e funxmpp.e2e.json): the same items the element tree would hold, without their elements.
void add_envelopes(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *tree, const DecodedFrame &frame)
{
    for (std::size_t i = 0; i < frame.envelope_count; ++i) {
        const EnvelopeAt &e = frame.envelopes[i];
        const int at = offset + static_cast<int>(e.offset), length = static_cast<int>(e.length);
        if (e.plaintext)
            add_plaintext(tree, tvb, pinfo, at, length);
        else if (e.not_bytes)
            add_envelope_not_bytes(tree, tvb, pinfo, at, length, e.type);
        else
            add_envelope(tree, tvb, pinfo, at, length, e.type);
    }
}

// A message's end-to-end payloads opened, nothing shown: the media files they name are registered.
void open_envelopes(tvbuff_t *tvb, int offset, packet_info *pinfo, const DecodedFrame &frame)
{
    for (std::size_t i = 0; i < frame.envelope_count; ++i) {
        const EnvelopeAt &e = frame.envelopes[i];
        if (!e.not_bytes && !e.plaintext)
            envelope_says(tvb, offset + static_cast<int>(e.offset), static_cast<int>(e.length), e.type, pinfo, false);
    }
}

void report_internal_error(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb, int offset, int length)
{
    proto_tree_add_expert(tree, pinfo, &fields.ei_internal, tvb, offset, length);
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[out of memory decoding this frame]");
}

}  // namespace

void dissect_payload(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree, const Dialect &d,
                     const PacketContext &ctx, bool decrypted)
{
    const guint8 *bytes = tvb_get_ptr(tvb, offset, length);
    const bool first_pass = !PINFO_FD_VISITED(pinfo);
    const bool tap = have_tap_listener(funxmpp_tap());
    // Nothing shows this pass (no column, no tap of ours, a tree nobody reads, as in tshark -q
    // -z endpoints,tcp): following the login is all there is to do.
    const bool wanted = anything_wanted(tree, pinfo, tap);
    if (!wanted && !first_pass)
        return;
    // The XML is wanted by a visible tree, by a filter or field extraction naming
    // funxmpp.xml, or by the decoded-stream view; the events by an element tree someone reads.
    const Arena arena{pool_allocate, pinfo->pool};
    StanzaWants wants;
    wants.xml = (tree != nullptr && (PTREE_DATA(tree)->visible || proto_field_is_referenced(tree, fields.xml))) || tap;
    wants.head = tap;
    const TreeWanted tree_wanted = element_tree_wanted(tree);
    wants.record = tree_wanted == TreeWanted::Elements ? &arena : nullptr;
    // With a key log, the first pass opens every end-to-end payload: the media files messages
    // name must be known before the pass reaches their transfers (DESIGN 2.9). Where a tree
    // shows the envelopes, it opens them.
    const bool collect_media = first_pass && tree_wanted == TreeWanted::Nothing && media_files_collected();
    DecodedFrame frame{};
    decode_frame(pinfo->pool, bytes, static_cast<std::size_t>(length), d, ctx, wants, wanted, first_pass, collect_media,
                 frame);
    if (first_pass && frame.login != nullptr)
        frame_facts(pinfo, ctx.position, true)->login = frame.login;
    if (frame.internal_error) {
        report_internal_error(pinfo, tree, tvb, offset, length);
        return;
    }
    if (!wanted) {
        if (collect_media)
            open_envelopes(tvb, offset, pinfo, frame);
        return;
    }

    const DecodeResult &result = frame.result;
    if (result.ok())
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", frame.summary);
    else
        col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s%s[Malformed: %s]", frame.summary,
                            *frame.summary ? " " : "", frame.error);
    // What an end-to-end message says, when the key log opens it: the first text in Info, every
    // Message's JSON for the decoded-stream view (one line each). Without that view, or the
    // first pass collecting media files, the envelopes after the first one with a text are not
    // opened here.
    wmem_strbuf_t *json = tap ? wmem_strbuf_new(pinfo->pool, "") : nullptr;
    const char *quoted = nullptr;  // ' text "…"' of the first text, for Info and the taps
    for (std::size_t i = 0;
         i < frame.envelope_count && ((quoted == nullptr && pinfo->cinfo != nullptr) || tap || collect_media); ++i) {
        const EnvelopeAt &e = frame.envelopes[i];
        if (e.not_bytes)
            continue;
        const int at = offset + static_cast<int>(e.offset), length = static_cast<int>(e.length);
        const EnvelopeSays says = e.plaintext ? plaintext_says(tvb, at, length, pinfo, tap)
                                              : envelope_says(tvb, at, length, e.type, pinfo, tap);
        if (says.text != nullptr && quoted == nullptr) {
            quoted = wmem_strdup_printf(pinfo->pool, " text \"%s\"", says.text);
            col_append_str(pinfo->cinfo, COL_INFO, quoted);
        }
        if (says.json != nullptr) {
            if (wmem_strbuf_get_len(json) > 0)
                wmem_strbuf_append_c(json, '\n');
            wmem_strbuf_append(json, says.json);
        }
    }

    const FrameFacts *facts = frame_facts(pinfo, ctx.position, false);
    const LoginFacts *login = facts != nullptr ? facts->login : nullptr;
    if (result.keep_alive) {
        proto_tree_add_item(tree, fields.keep_alive, tvb, offset, 1, ENC_NA);
        tap_frame(pinfo, ctx, TapFrame::KeepAlive, static_cast<guint32>(length), decrypted);
        return;
    }
    tap_frame(pinfo, ctx, !result.ok() ? TapFrame::Malformed : decrypted ? TapFrame::Decrypted : TapFrame::Plaintext,
              static_cast<guint32>(length), decrypted, frame.tag, frame.type, frame.peer, frame.xml,
              login != nullptr ? login_outcome(*login) : nullptr, nullptr,
              json != nullptr && wmem_strbuf_get_len(json) > 0 ? wmem_strbuf_get_str(json) : nullptr,
              tap && quoted != nullptr ? wmem_strdup_printf(pinfo->pool, "%s%s", frame.summary, quoted) : frame.summary,
              frame.head);
    if (tree_wanted == TreeWanted::Elements) {
        ProtoTreeBuilder builder(tvb, offset, pinfo, tree);
        replay(frame.events, builder);
        if (!result.ok())
            builder.close_unfinished(static_cast<std::uint32_t>(length));
    } else if (tree_wanted == TreeWanted::EnvelopesOnly) {
        add_envelopes(tvb, offset, pinfo, tree, frame);
    }
    if (!result.ok()) {
        const int at = static_cast<int>(result.error.offset);
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_decode[static_cast<int>(result.error.kind)], tvb,
                                     offset + at, length - at, "%s", frame.error);
    }
    if (frame.xml != nullptr)
        proto_tree_add_string(tree, fields.xml, tvb, offset, length, frame.xml);
    if (login != nullptr)
        add_login(tree, tvb, offset, length, pinfo, *login);
}

tvbuff_t *inflate(tvbuff_t *tvb, int offset, int length, packet_info *pinfo, proto_tree *tree,
                  const PacketContext &ctx, bool decrypted)
{
    // Measured first: Wireshark's inflate has no limit, and a small frame can claim gigabytes.
    const InflateCheck check =
        inflate_bounded(tvb_get_ptr(tvb, offset, length), static_cast<std::size_t>(length), kMaxInflated, nullptr);
    if (check == InflateCheck::TooLarge) {
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_decompression, tvb, offset, length,
                                     "Compressed payload inflates to more than %zu MiB: not decoded", kMaxInflated >> 20);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: compressed frame inflates too far]");
        tap_frame(pinfo, ctx, TapFrame::Malformed, static_cast<guint32>(length), decrypted);
        return nullptr;
    }
    tvbuff_t *inflated = funxmpp_tvb_child_uncompress_zlib(tvb, tvb, offset, length);
    if (inflated != nullptr && check == InflateCheck::Damaged)
        proto_tree_add_expert_format(tree, pinfo, &fields.ei_inflate_damaged, tvb, offset, length,
                                     "Compressed payload is not a whole zlib stream (no zlib header, cut short, or "
                                     "its Adler-32 checksum fails): decoded from what inflates");
    if (inflated == nullptr) {
        proto_tree_add_expert(tree, pinfo, &fields.ei_decompression, tvb, offset, length);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[Malformed: compressed frame does not inflate]");
        tap_frame(pinfo, ctx, TapFrame::Malformed, static_cast<guint32>(length), decrypted);
        return nullptr;
    }
    add_new_data_source(pinfo, inflated, "Decompressed FunXMPP");
    return inflated;
}

// An encrypted frame: decrypted on the first pass if this direction has keys, then shown
// from what that pass kept.
void dissect_encrypted(tvbuff_t *tvb, int offset, int length, const FrameHeader &h, packet_info *pinfo,
                       proto_tree *tree, const PacketContext &ctx)
{
    FrameFacts *facts = frame_facts(pinfo, ctx.position, !PINFO_FD_VISITED(pinfo));
    if (!PINFO_FD_VISITED(pinfo) && !facts->encrypted) {
        facts->encrypted = true;
        const guint8 *payload = tvb_get_ptr(tvb, offset, length);
        FrameFacts &kept = *facts;
        const bool ran = cpp_scope([&] {
            DecryptResult r = session_of(ctx.st)->decrypt(static_cast<Direction>(ctx.dir), payload,
                                                          static_cast<std::size_t>(length));
            kept.status = r.status;
            if (r.status == DecryptStatus::Decrypted) {
                kept.plaintext = static_cast<const guint8 *>(
                    wmem_memdup(wmem_file_scope(), r.plaintext.data(), r.plaintext.size()));
                kept.plaintext_length = static_cast<guint32>(r.plaintext.size());
            }
        });
        if (!ran)
            kept.status = DecryptStatus::StoppedEarlier;
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
            plain = inflate(plain, 0, plain_length, pinfo, tree, ctx, true);
            if (plain == nullptr)
                return;
            plain_length = static_cast<int>(tvb_reported_length(plain));
        }
        dissect_payload(plain, 0, plain_length, pinfo, tree, *ctx.st->dialect, ctx, true);
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
