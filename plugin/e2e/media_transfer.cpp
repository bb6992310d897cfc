// SPDX-License-Identifier: GPL-2.0-or-later
#include "e2e/media_transfer.hpp"

#include <epan/exceptions.h>
#include <epan/export_object.h>
#include <epan/tap.h>
#include <epan/to_str.h>
extern "C" {  // no C++ guard of its own before Wireshark 4.2
#include <epan/show_exception.h>
}

#include <cstring>
#include <optional>
#include <string>
#include <iterator>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "codec/inflate.hpp"
#include "codec/media_file.hpp"
#include "codec/text.hpp"
#include "cpp_scope.hpp"
#include "e2e/envelope_view.hpp"
#include "noise/noise_keys.hpp"

namespace funxmpp::ws {

namespace {

struct MediaFields {
    int media = -1, kind = -1, mimetype = -1, field = -1, file_name = -1, message_frame = -1, mac = -1,
        file_hash = -1, size = -1, file = -1, transfer_frame = -1, history = -1;
    int ett_media = -1, ett_file = -1;
    expert_field ei_bad_mac = EI_INIT, ei_bad_hash = EI_INIT, ei_malformed = EI_INIT, ei_truncated = EI_INIT,
                 ei_unknown_type = EI_INIT, ei_no_transfer = EI_INIT, ei_transfer_earlier = EI_INIT;
    int eo_tap = -1;
};
MediaFields mf;

int media_proto = -1;
dissector_handle_t body_handle, media_handle;
dissector_table_t media_types;

// The content types media hosts may give an encrypted file, each with the dissector Wireshark
// had for it (called for every body that is not a named file); bodies of other types, and of
// none, reach the "media" and "http" heuristics (HTTP/1.1 only: HTTP/2 has none).
constexpr const char *kBodyTypes[] = {
    "application/octet-stream", "binary/octet-stream", "application/x-binary", "image/jpeg", "image/png",
    "image/webp", "image/gif", "video/mp4", "audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "application/pdf",
};
dissector_handle_t previous_handles[std::size(kBodyTypes)];

// The files messages named, by fileEncSha256, and the bodies the first pass met before any
// message named them; emptied when the capture file closes.
struct Named {
    e2e::MediaReference ref;
    guint32 message_frame = 0;
    guint32 transfer_frame = 0;  // the first body found with its hash, 0 if none yet
    bool transfer_before_message = false;
};
std::vector<Named> named;
std::unordered_map<std::string, std::size_t> named_by_hash;
std::unordered_map<std::string, guint32> unnamed_bodies;
// The sizes of the encrypted bodies of named files (fileLength padded to blocks, and the MAC):
// a body cut short is said only when its full size is one of them.
std::unordered_set<std::uint64_t> body_sizes;

void forget_media()
{
    cpp_scope([] {
        std::vector<Named>().swap(named);
        std::unordered_map<std::string, std::size_t>().swap(named_by_hash);
        std::unordered_map<std::string, guint32>().swap(unnamed_bodies);
        std::unordered_set<std::uint64_t>().swap(body_sizes);
    });
}

const char *label_of(const e2e::MediaReference &r)
{
    if (r.kind == nullptr)
        return "media of an unknown type";
    return r.ptt ? "voice note" : r.kind->label;
}

// The name Export Objects offers: a document's own name, else type, hash and extension.
std::string export_name(const e2e::MediaReference &r)
{
    if (!r.file_name.empty())
        return r.file_name;
    std::string name = label_of(r);
    for (char &c : name)
        if (c == ' ')
            c = '-';
    const std::string &hash = r.file_sha256.size() == 32 ? r.file_sha256 : r.file_enc_sha256;
    name += '-';
    append_hex(name, std::string_view(hash).substr(0, 8));
    return name + "." + e2e::extension_for_mimetype(r.mimetype);
}

// A body looked up by its SHA-256 and, if a message named it, opened. Plain data, in the
// packet's pool: it lives across Wireshark calls.
struct Transfer {
    bool named;
    bool known_kind;
    const char *label, *mimetype, *field, *file_name, *export_name;
    bool history;  // a history sync blob: zlib, then a HistorySync protobuf
    guint32 message_frame;
    e2e::MediaFault fault;
    bool hash_checked;
    guint8 *file;
    guint file_size;
};
FUNXMPP_PLAIN(Transfer);

Transfer find_transfer(packet_info *pinfo, const guint8 *body, guint size)
{
    Transfer t{};
    cpp_scope([&] {
        const std::string_view bytes(reinterpret_cast<const char *>(body), size);
        const std::optional<noise::Key32> digest = noise::sha256_digest(bytes);
        if (!digest)
            return;
        const std::string hash(noise::as_view(*digest));
        const auto found = named_by_hash.find(hash);
        if (found == named_by_hash.end()) {
            if (!PINFO_FD_VISITED(pinfo))
                unnamed_bodies.emplace(hash, pinfo->num);
            return;
        }
        Named &n = named[found->second];
        if (n.transfer_frame == 0 && !PINFO_FD_VISITED(pinfo))
            n.transfer_frame = pinfo->num;
        const e2e::MediaReference &r = n.ref;
        t.named = true;
        t.known_kind = r.kind != nullptr;
        t.label = wmem_strdup(pinfo->pool, label_of(r));
        t.mimetype = wmem_strdup(pinfo->pool, r.mimetype.c_str());
        t.field = wmem_strdup(pinfo->pool, r.field.c_str());
        t.file_name = r.file_name.empty() ? nullptr : wmem_strdup(pinfo->pool, r.file_name.c_str());
        t.export_name = wmem_strdup(pinfo->pool, export_name(r).c_str());
        t.message_frame = n.message_frame;
        if (r.kind == nullptr)
            return;
        t.history = std::string_view(r.kind->hkdf_type) == "History";
        const e2e::OpenedMedia o = e2e::open_media(bytes, r.media_key, r.kind->hkdf_type, r.file_sha256);
        t.fault = o.fault;
        t.hash_checked = o.hash_checked;
        if (o.fault == e2e::MediaFault::None) {
            t.file = static_cast<guint8 *>(wmem_memdup(pinfo->pool, o.file.data(), o.file.size()));
            t.file_size = static_cast<guint>(o.file.size());
        }
    });
    return t;
}

// What Export Objects is handed for a verified file (in the packet's pool).
struct MediaExport {
    const char *host, *mimetype, *name;
    const guint8 *data;
    guint size;
};

tap_packet_status export_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t)
{
    auto *list = static_cast<export_object_list_t *>(tapdata);
    const auto *e = static_cast<const MediaExport *>(data);
    export_object_entry_t *entry = g_new0(export_object_entry_t, 1);
    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup(e->host);
    entry->content_type = g_strdup(e->mimetype);
    entry->filename = g_strdup(e->name);
    entry->payload_len = e->size;
    entry->payload_data = static_cast<guint8 *>(g_malloc(e->size > 0 ? e->size : 1));
    if (e->size > 0)
        std::memcpy(entry->payload_data, e->data, e->size);
    list->add_entry(list->gui_data, entry);
    return TAP_PACKET_REDRAW;
}

// The media server's side of the exchange: the end with the lower port (443 against a client's
// ephemeral one). What HTTP hands the body's dissector does not say reliably whether it is a
// request (HTTP/2 says neither, the heuristics get nothing).
const char *server_of(packet_info *pinfo)
{
    return address_to_display(pinfo->pool, pinfo->srcport < pinfo->destport ? &pinfo->src : &pinfo->dst);
}

void add_verdict(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, proto_item *top, const Transfer &tr)
{
    using e2e::MediaFault;
    const guint size = tvb_captured_length(tvb);
    const bool mac_checked = tr.fault == MediaFault::None || tr.fault == MediaFault::Padding || tr.fault == MediaFault::FileHash;
    if (mac_checked || tr.fault == MediaFault::Mac)
        proto_item_set_generated(proto_tree_add_boolean(t, mf.mac, tvb, size - e2e::kMediaMacLength,
                                                        e2e::kMediaMacLength, tr.fault != MediaFault::Mac));
    const char *text = e2e::media_fault_text(tr.fault);
    switch (tr.fault) {
    case MediaFault::None:
        proto_item_set_generated(proto_tree_add_string(t, mf.file_hash, tvb, 0, 0,
                                                       tr.hash_checked ? "fits the message's fileSha256"
                                                                       : "not checked: the message gives no fileSha256"));
        return;
    case MediaFault::Mac:
        proto_tree_add_expert_format(t, pinfo, &mf.ei_bad_mac, tvb, 0, size, "Media file not opened: %s", text);
        break;
    case MediaFault::FileHash:
        proto_item_set_generated(proto_tree_add_string(t, mf.file_hash, tvb, 0, 0, "does not fit the message's fileSha256"));
        proto_tree_add_expert_format(t, pinfo, &mf.ei_bad_hash, tvb, 0, size, "Media file not shown: %s", text);
        break;
    case MediaFault::KeyLength:
    case MediaFault::NotBlocks:
    case MediaFault::Padding:
    case MediaFault::Crypto:
        proto_tree_add_expert_format(t, pinfo, &mf.ei_malformed, tvb, 0, size, "Media file not opened: %s", text);
        break;
    }
    proto_item_append_text(top, " [not verified: nothing exported]");
}

// A history sync blob inflated (bounded: a small body may claim gigabytes) and read as
// WAProto's HistorySync, field by field like a Message (its first kMaxProtoItems fields; no JSON).
// Only for a tree: nothing else reads it.
constexpr std::size_t kMaxHistory = 64u << 20;
void add_history(proto_tree *t, tvbuff_t *file, packet_info *pinfo)
{
    static e2e::DecodedMessage read;  // the one being shown: a pointer to it is plain data
    const guint size = tvb_captured_length(file);
    const guint8 *bytes = tvb_get_ptr(file, 0, size);
    InflateCheck check = InflateCheck::Damaged;
    guint8 *inflated = nullptr;
    guint inflated_size = 0;
    const e2e::DecodedMessage *decoded = nullptr;
    const bool done = cpp_scope([&] {
        std::vector<std::uint8_t> out;
        check = inflate_bounded(bytes, size, kMaxHistory, &out);
        if (check != InflateCheck::Whole)
            return;
        static const e2e::ProtoSchema &schema = e2e::waproto_schema();
        static const int history = schema.message_index("HistorySync");
        inflated = static_cast<guint8 *>(wmem_memdup(pinfo->pool, out.data(), out.size()));
        inflated_size = static_cast<guint>(out.size());
        read = e2e::decode_message(schema, history, out.data(), out.size(), false);
        decoded = &read;
    });
    if (!done || check != InflateCheck::Whole || decoded == nullptr) {
        proto_tree_add_expert_format(t, pinfo, &mf.ei_malformed, file, 0, static_cast<gint>(size), "%s",
                                     !done ? "The history sync blob could not be read: out of memory"
                                     : check == InflateCheck::TooLarge
                                         ? "The history sync blob inflates to more than 64 MiB: not read"
                                         : "The history sync blob is not a whole zlib stream: not read");
        return;
    }
    tvbuff_t *plain = tvb_new_child_real_data(file, inflated, inflated_size, static_cast<gint>(inflated_size));
    add_new_data_source(pinfo, plain, "Inflated history sync");
    proto_item *item = proto_tree_add_item(t, mf.history, plain, 0, -1, ENC_NA);
    add_protobuf_fields(proto_item_add_subtree(item, mf.ett_file), plain, pinfo, *decoded, "HistorySync");
    cpp_scope([] { read = e2e::DecodedMessage{}; });
}

// The dissector Wireshark has for a content type (before this plugin took it), or nullptr.
dissector_handle_t wireshark_handle_for(const char *type)
{
    for (std::size_t i = 0; i < std::size(kBodyTypes); ++i)
        if (g_ascii_strcasecmp(type, kBodyTypes[i]) == 0)
            return previous_handles[i];
    dissector_handle_t h = dissector_get_string_handle(media_types, type);
    return h != body_handle ? h : nullptr;
}

void add_file(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const Transfer &tr)
{
    tvbuff_t *file = tvb_new_child_real_data(tvb, tr.file, tr.file_size, static_cast<gint>(tr.file_size));
    add_new_data_source(pinfo, file, "Decrypted media file");
    proto_item_set_generated(proto_tree_add_uint64(t, mf.size, file, 0, 0, tr.file_size));
    proto_item *whole = proto_tree_add_item(t, mf.file, file, 0, -1, ENC_NA);
    if (tr.history && t != nullptr)
        add_history(t, file, pinfo);
    if (std::strncmp(tr.mimetype, "image/", 6) == 0 && t != nullptr) {
        const char *type = wmem_strndup(pinfo->pool, tr.mimetype, std::strcspn(tr.mimetype, "; "));
        if (dissector_handle_t picture = wireshark_handle_for(type); picture != nullptr)
            show_picture(picture, file, pinfo, proto_item_add_subtree(whole, mf.ett_file));
    }
    if (have_tap_listener(mf.eo_tap)) {
        auto *e = wmem_new(pinfo->pool, MediaExport);
        *e = MediaExport{server_of(pinfo), tr.mimetype, tr.export_name, tr.file, tr.file_size};
        tap_queue_packet(mf.eo_tap, pinfo, e);
    }
}

// Whether a body cut short has the size of a named file's (in the packet's pool, no C++ here).
bool could_be_named_file(guint reported)
{
    bool found = false;
    cpp_scope([&] { found = body_sizes.count(reported) > 0; });
    return found;
}

// Whether the body is a media file a message named (or one cut short that has such a file's
// size): then it is shown here, and true.
bool look_at_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const guint captured = tvb_captured_length(tvb), reported = tvb_reported_length(tvb);
    // Media travel in HTTP bodies; the media-type table also serves other carriers (mail, SIP,
    // MQTT, ...), whose data is not HTTP's.
    if (captured == 0 || !media_files_collected() ||
        !(proto_is_frame_protocol(pinfo->layers, "http") || proto_is_frame_protocol(pinfo->layers, "http2")))
        return false;
    if (captured < reported) {
        if (!could_be_named_file(reported))
            return false;
        proto_item *top = proto_tree_add_item(tree, mf.media, tvb, 0, -1, ENC_NA);
        proto_item_append_text(top, ": HTTP body cut short");
        proto_tree *t = proto_item_add_subtree(top, mf.ett_media);
        proto_tree_add_expert_format(t, pinfo, &mf.ei_truncated, tvb, 0, captured,
                                     "HTTP body cut short (%u of %u bytes in the capture), of the size of a media "
                                     "file a message names: it cannot be checked, and nothing is exported",
                                     captured, reported);
        call_data_dissector(tvb, pinfo, t);
        return true;
    }
    const Transfer tr = find_transfer(pinfo, tvb_get_ptr(tvb, 0, captured), captured);
    if (!tr.named)
        return false;
    proto_item *top = proto_tree_add_item(tree, mf.media, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ": %s named in frame %u", tr.label, tr.message_frame);
    proto_tree *t = proto_item_add_subtree(top, mf.ett_media);
    proto_item_set_generated(proto_tree_add_string(t, mf.kind, tvb, 0, 0, tr.label));
    proto_item_set_generated(proto_tree_add_string(t, mf.mimetype, tvb, 0, 0, tr.mimetype));
    if (tr.file_name != nullptr)
        proto_item_set_generated(proto_tree_add_string(t, mf.file_name, tvb, 0, 0, tr.file_name));
    proto_item_set_generated(proto_tree_add_string(t, mf.field, tvb, 0, 0, tr.field));
    proto_item_set_generated(proto_tree_add_uint(t, mf.message_frame, tvb, 0, 0, tr.message_frame));
    if (!tr.known_kind) {
        proto_tree_add_expert_format(t, pinfo, &mf.ei_unknown_type, tvb, 0, captured,
                                     "A media file of a type whose keys are not known (%s): not opened", tr.field);
        col_append_fstr(pinfo->cinfo, COL_INFO, " [WhatsApp %s, frame %u: not opened]", tr.label, tr.message_frame);
        return true;
    }
    add_verdict(t, tvb, pinfo, top, tr);
    if (tr.fault != e2e::MediaFault::None) {
        col_append_fstr(pinfo->cinfo, COL_INFO, " [WhatsApp %s, frame %u: %s]", tr.label, tr.message_frame,
                        tr.fault == e2e::MediaFault::Mac ? "bad MAC" : "not verified");
        return true;
    }
    col_append_fstr(pinfo->cinfo, COL_INFO, " [WhatsApp %s, frame %u: %u bytes]", tr.label, tr.message_frame, tr.file_size);
    add_file(t, tvb, pinfo, tr);
    return true;
}

// A body of one of kBodyTypes: ours if a message named it, else what Wireshark had for its type,
// or where it had none, its media dissector (what HTTP/1.1 calls then).
int dissect_typed_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (proto_is_protocol_enabled(find_protocol_by_id(media_proto)) && look_at_body(tvb, pinfo, tree))
        return static_cast<int>(tvb_captured_length(tvb));
    dissector_handle_t previous = pinfo->match_string != nullptr ? wireshark_handle_for(pinfo->match_string) : nullptr;
    return call_dissector_only(previous != nullptr ? previous : media_handle, tvb, pinfo, tree, data);
}

ws_bool dissect_body_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    return look_at_body(tvb, pinfo, tree);
}

}  // namespace

void show_picture(dissector_handle_t handle, tvbuff_t *picture, packet_info *pinfo, proto_tree *tree)
{
    // The picture's dissector would add "(JPEG JFIF image)" to Info, and only where a tree is built.
    const gboolean writable = col_get_writable(pinfo->cinfo, -1);
    col_set_writable(pinfo->cinfo, -1, FALSE);
    TRY {
        call_dissector(handle, picture, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(picture, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, -1, writable);
}

bool media_files_collected()
{
    return noise_keylog_set();
}

void note_media_files(packet_info *pinfo, const e2e::DecodedMessage &decoded, std::string_view message)
{
    if (!decoded.ok())
        return;
    cpp_scope([&] {
        static const e2e::ProtoSchema &schema = e2e::waproto_schema();
        for (e2e::MediaReference &r : e2e::media_references(schema, decoded, message)) {
            const auto [at, added] = named_by_hash.emplace(r.file_enc_sha256, named.size());
            if (!added)
                continue;  // the first message naming a file is the one shown
            if (r.file_length && *r.file_length < (std::uint64_t{1} << 40))
                body_sizes.insert((*r.file_length / 16 + 1) * 16 + e2e::kMediaMacLength);
            Named n;
            n.message_frame = pinfo->num;
            if (const auto body = unnamed_bodies.find(r.file_enc_sha256); body != unnamed_bodies.end()) {
                n.transfer_frame = body->second;
                n.transfer_before_message = true;
            }
            n.ref = std::move(r);
            named.push_back(std::move(n));
        }
    });
}

void add_media_links(proto_tree *tree, tvbuff_t *message, packet_info *pinfo, const e2e::DecodedMessage &decoded)
{
    struct Link {
        guint32 offset, length, transfer_frame, key_length;
        bool before, known_kind;
        const char *label;
    };
    FUNXMPP_PLAIN(Link);
    const guint size = tvb_captured_length(message);
    const guint8 *bytes = tvb_get_ptr(message, 0, size);
    Link *links = nullptr;
    std::size_t count = 0;
    cpp_scope([&] {
        static const e2e::ProtoSchema &schema = e2e::waproto_schema();
        const std::vector<e2e::MediaReference> refs =
            e2e::media_references(schema, decoded, std::string_view(reinterpret_cast<const char *>(bytes), size));
        links = wmem_alloc_array(pinfo->pool, Link, refs.size());
        for (const e2e::MediaReference &r : refs) {
            const auto found = named_by_hash.find(r.file_enc_sha256);
            const Named *n = found != named_by_hash.end() ? &named[found->second] : nullptr;
            links[count++] = Link{static_cast<guint32>(r.offset), static_cast<guint32>(r.length),
                                  n != nullptr ? n->transfer_frame : 0, static_cast<guint32>(r.media_key.size()),
                                  n != nullptr && n->transfer_before_message, r.kind != nullptr,
                                  wmem_strdup(pinfo->pool, label_of(r))};
        }
    });
    if (decoded.items_not_kept > 0)
        proto_tree_add_expert_format(tree, pinfo, &mf.ei_no_transfer, message, 0, 0,
                                     "The Message has more than %zu fields: a media file named past them is not looked for",
                                     e2e::kMaxProtoItems);
    for (std::size_t i = 0; i < count; ++i) {
        const Link &l = links[i];
        const int at = static_cast<int>(l.offset), length = static_cast<int>(l.length);
        if (!l.known_kind)
            proto_tree_add_expert_format(tree, pinfo, &mf.ei_unknown_type, message, at, length,
                                         "It names a media file of a type whose keys are not known: "
                                         "the file cannot be opened");
        else if (l.key_length != e2e::kMediaKeyLength)
            proto_tree_add_expert_format(tree, pinfo, &mf.ei_malformed, message, at, length,
                                         "Its mediaKey is %u bytes, not 32: the file cannot be opened", l.key_length);
        if (l.transfer_frame != 0) {
            proto_item *item = proto_tree_add_uint(tree, mf.transfer_frame, message, at, length, l.transfer_frame);
            proto_item_set_generated(item);
            proto_item_append_text(item, " (the %s)", l.label);
            if (l.before && !PINFO_FD_VISITED(pinfo))
                expert_add_info_format(pinfo, item, &mf.ei_transfer_earlier,
                                       "The %s was transferred in frame %u, before this message: it is opened and "
                                       "exported in a second pass (tshark -2; Wireshark once the file is loaded)",
                                       l.label, l.transfer_frame);
        } else if (PINFO_FD_VISITED(pinfo)) {
            proto_tree_add_expert_format(tree, pinfo, &mf.ei_no_transfer, message, at, length,
                                         "No whole HTTP body in the capture is the %s this message names (not "
                                         "captured, cut short, or its TLS not decrypted)",
                                         l.label);
        }
    }
}

bool media_links_referenced(proto_tree *tree)
{
    for (int field : {mf.transfer_frame, mf.ei_no_transfer.hf, mf.ei_transfer_earlier.hf, mf.ei_unknown_type.hf,
                      mf.ei_malformed.hf})
        if (proto_field_is_referenced(tree, field))
            return true;
    return false;
}

void register_media_transfer(int proto, expert_module_t *expert)
{
    static hf_register_info fields[] = {
        {&mf.media, {"WhatsApp media file", "funxmpp.media", FT_NONE, BASE_NONE, nullptr, 0x0,
                     "An HTTP body that is the encrypted media file an end-to-end message names", HFILL}},
        {&mf.kind, {"Type", "funxmpp.media.type", FT_STRING, BASE_NONE, nullptr, 0x0,
                    "What the message sends: image, video, audio, voice note, document, sticker, ...", HFILL}},
        {&mf.mimetype, {"Mimetype", "funxmpp.media.mimetype", FT_STRING, BASE_NONE, nullptr, 0x0,
                        "The file's mimetype, as the message gives it", HFILL}},
        {&mf.field, {"Message field", "funxmpp.media.field", FT_STRING, BASE_NONE, nullptr, 0x0,
                     "The Message field that names the file (WAProto.proto's name)", HFILL}},
        {&mf.file_name, {"File name", "funxmpp.media.file_name", FT_STRING, BASE_NONE, nullptr, 0x0,
                         "A document's name, as the message gives it", HFILL}},
        {&mf.message_frame, {"Named in frame", "funxmpp.media.message_frame", FT_FRAMENUM, BASE_NONE, nullptr, 0x0,
                             "The frame of the end-to-end message that names this file", HFILL}},
        {&mf.mac, {"MAC valid", "funxmpp.media.mac_valid", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                   "The last 10 bytes are the HMAC-SHA256 of the media key's MAC key", HFILL}},
        {&mf.file_hash, {"File hash", "funxmpp.media.file_hash", FT_STRING, BASE_NONE, nullptr, 0x0,
                         "Whether the decrypted file's SHA-256 is the message's fileSha256", HFILL}},
        {&mf.size, {"Decrypted size", "funxmpp.media.size", FT_UINT64, BASE_DEC, nullptr, 0x0,
                    "The decrypted file's size in bytes", HFILL}},
        {&mf.file, {"Decrypted file", "funxmpp.media.file", FT_BYTES, BASE_NONE, nullptr, 0x0,
                    "The media file, decrypted and verified", HFILL}},
        {&mf.history, {"History sync", "funxmpp.media.history", FT_BYTES, BASE_NONE, nullptr, 0x0,
                       "A history sync blob inflated: WAProto's HistorySync, field by field", HFILL}},
        {&mf.transfer_frame, {"Transferred in frame", "funxmpp.media.transfer_frame", FT_FRAMENUM, BASE_NONE, nullptr,
                              0x0, "The frame of the HTTP body that is the file this message names", HFILL}},
    };
    static int *ett[] = {&mf.ett_media, &mf.ett_file};
    static ei_register_info ei[] = {
        {&mf.ei_bad_mac, {"funxmpp.media.bad_mac", PI_CHECKSUM, PI_ERROR,
                          "A media file whose MAC does not fit its message's media key", EXPFILL}},
        {&mf.ei_bad_hash, {"funxmpp.media.bad_hash", PI_CHECKSUM, PI_ERROR,
                           "A decrypted media file whose SHA-256 is not its message's fileSha256", EXPFILL}},
        {&mf.ei_malformed, {"funxmpp.media.malformed", PI_MALFORMED, PI_ERROR,
                            "A media file, or its message's media key, that cannot be opened", EXPFILL}},
        {&mf.ei_truncated, {"funxmpp.media.truncated", PI_MALFORMED, PI_WARN,
                            "An HTTP body cut short in the capture: a media file in it cannot be checked", EXPFILL}},
        {&mf.ei_unknown_type, {"funxmpp.media.unknown_type", PI_UNDECODED, PI_WARN,
                               "A media file of a type whose key schedule is not known", EXPFILL}},
        {&mf.ei_no_transfer, {"funxmpp.media.no_transfer", PI_UNDECODED, PI_NOTE,
                              "The media file a message names is not in the capture", EXPFILL}},
        {&mf.ei_transfer_earlier, {"funxmpp.media.transfer_earlier", PI_SEQUENCE, PI_NOTE,
                                   "A media file transferred before its message: opened in a second pass", EXPFILL}},
    };
    proto_register_field_array(proto, fields, array_length(fields));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
    mf.eo_tap = register_export_object(proto, export_packet, nullptr);
    media_proto = proto;
    // Not the protocol's handle: a body handed to Wireshark's dissector for its type must not
    // list funxmpp among the frame's protocols (dissect_typed_body asks whether it is enabled).
    body_handle = create_dissector_handle_with_name_and_description(
        dissect_typed_body, -1, "funxmpp_media", "WhatsApp media files, else the type's usual dissector");
    register_cleanup_routine(forget_media);
}

void handoff_media_transfer()
{
    media_types = find_dissector_table("media_type");
    media_handle = find_dissector("media");
    for (std::size_t i = 0; i < std::size(kBodyTypes); ++i) {
        previous_handles[i] = dissector_get_string_handle(media_types, kBodyTypes[i]);
        dissector_add_string("media_type", kBodyTypes[i], body_handle);
    }
    heur_dissector_add("media", dissect_body_heur, "WhatsApp media files in HTTP bodies of other types",
                       "funxmpp_media_typed", media_proto, HEURISTIC_ENABLE);
    heur_dissector_add("http", dissect_body_heur, "WhatsApp media files in HTTP bodies without a type",
                       "funxmpp_media_untyped", media_proto, HEURISTIC_ENABLE);
}

}  // namespace funxmpp::ws
