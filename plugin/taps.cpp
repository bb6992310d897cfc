// SPDX-License-Identifier: GPL-2.0-or-later
#include "taps.hpp"

#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace funxmpp::ws {

namespace {

int tap_id = -1;

bool is_stanza(const TapRecord &r)
{
    return (r.frame == TapFrame::Plaintext || r.frame == TapFrame::Decrypted) && r.xml != nullptr;
}

// ---- tshark -z funxmpp,tree (and Statistics > FunXMPP in the GUI) --------------------------

int st_frames = -1, st_by_tag = -1, st_by_type = -1, st_by_direction = -1, st_messages = -1, st_logins = -1,
    st_versions = -1, st_handshakes = -1;
const char *const kFrames = "Frames";
const char *const kPlaintext = "plaintext";
const char *const kEncrypted = "encrypted";
const char *const kDecrypted = "decrypted";
const char *const kUndecrypted = "not decrypted";
const char *const kKeepAlive = "keep-alive";
const char *const kMalformed = "malformed";
const char *const kHandshake = "handshake";

void stats_init(stats_tree *st)
{
    st_frames = stats_tree_create_node(st, kFrames, 0, STAT_DT_INT, TRUE);
    st_by_tag = stats_tree_create_pivot(st, "Stanzas by tag", 0);
    st_by_type = stats_tree_create_pivot(st, "Stanzas by type", 0);
    st_by_direction = stats_tree_create_pivot(st, "Stanzas by direction", 0);
    st_messages = stats_tree_create_pivot(st, "Messages per JID", 0);
    st_logins = stats_tree_create_pivot(st, "Login outcomes", 0);
    st_versions = stats_tree_create_pivot(st, "Frames by version", 0);
    st_handshakes = stats_tree_create_pivot(st, "Noise handshake messages", 0);
}

tap_packet_status stats_packet(stats_tree *st, packet_info *, epan_dissect_t *, const void *data, tap_flags_t)
{
    const auto *r = static_cast<const TapRecord *>(data);
    tick_stat_node(st, kFrames, 0, TRUE);
    stats_tree_tick_pivot(st, st_versions, (std::string("WA ") + r->version).c_str());
    if (r->frame == TapFrame::Handshake) {
        tick_stat_node(st, kHandshake, st_frames, FALSE);
        stats_tree_tick_pivot(st, st_handshakes, r->handshake);
    } else if (r->decrypted || r->frame == TapFrame::Encrypted || r->frame == TapFrame::MacMismatch ||
               r->frame == TapFrame::TagMismatch) {
        int enc = tick_stat_node(st, kEncrypted, st_frames, TRUE);
        tick_stat_node(st, r->decrypted ? kDecrypted : kUndecrypted, enc, FALSE);
    } else {
        tick_stat_node(st, r->frame == TapFrame::KeepAlive   ? kKeepAlive
                           : r->frame == TapFrame::Malformed ? kMalformed
                                                             : kPlaintext,
                       st_frames, FALSE);
    }
    if (r->xml != nullptr) {
        stats_tree_tick_pivot(st, st_by_tag, r->tag);
        stats_tree_tick_pivot(st, st_by_type, r->type != nullptr && *r->type ? r->type : "(none)");
        stats_tree_tick_pivot(st, st_by_direction, r->direction == 0 ? "client to server" : "server to client");
        if (std::string(r->tag) == "message" && r->peer != nullptr && *r->peer)
            stats_tree_tick_pivot(st, st_messages, r->peer);
        if (std::string(r->tag) == "success" || std::string(r->tag) == "failure")
            stats_tree_tick_pivot(st, st_logins, r->tag);
    }
    if (r->login != nullptr)
        stats_tree_tick_pivot(st, st_logins, (std::string("login: ") + r->login).c_str());
    return TAP_PACKET_REDRAW;
}

// ---- tshark -z funxmpp,xml: each stream as the sequence of its stanzas ---------------------

struct Stream {
    std::string header;
    std::vector<std::string> lines;
};

struct StreamView {
    std::map<guint32, Stream> streams;
    std::string filter;
};

void view_reset(void *p)
{
    static_cast<StreamView *>(p)->streams.clear();
}

tap_packet_status view_packet(void *p, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t)
{
    auto *view = static_cast<StreamView *>(p);
    const auto *r = static_cast<const TapRecord *>(data);
    Stream &s = view->streams[r->stream];
    if (s.header.empty())
        s.header = "Stream " + std::to_string(r->stream) + ": " + r->client + " -> " + r->server + ", WA " + r->version;
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "%12.6f %s ", nstime_to_sec(&pinfo->rel_ts), r->direction == 0 ? "C>S" : "S>C");
    s.lines.push_back(prefix + record_line(*r));
    // Each end-to-end Message the stanza carries, as JSON, after it (DESIGN 2.8).
    for (const std::string &line : record_e2e_lines(*r))
        s.lines.push_back(prefix + line);
    return TAP_PACKET_REDRAW;
}

void view_draw(void *p)
{
    auto *view = static_cast<StreamView *>(p);
    std::printf("\n===================================================================\n");
    std::printf("FunXMPP decoded streams%s%s\n", view->filter.empty() ? "" : ", filter: ", view->filter.c_str());
    for (const auto &[index, s] : view->streams) {
        std::printf("%s\n", s.header.c_str());
        for (const std::string &line : s.lines)
            std::printf("%s\n", line.c_str());
    }
    std::printf("===================================================================\n");
}

void view_finish(void *p)
{
    delete static_cast<StreamView *>(p);
}

// The display filter of "-z NAME,FILTER", or nullptr for "-z NAME".
const char *tap_filter(const char *opt_arg, const char *name)
{
    const std::size_t n = std::strlen(name);
    return std::strncmp(opt_arg, name, n) == 0 && opt_arg[n] == ',' ? opt_arg + n + 1 : nullptr;
}

bool start_view(const char *opt_arg)
{
    const char *filter = tap_filter(opt_arg, "funxmpp,xml");
    auto *view = new StreamView;
    view->filter = filter != nullptr ? filter : "";
    GString *error = register_tap_listener("funxmpp", view, filter, TL_REQUIRES_NOTHING, view_reset, view_packet,
                                           view_draw, view_finish);
    if (error != nullptr) {
        delete view;
        std::fprintf(stderr, "tshark: couldn't register funxmpp,xml tap: %s\n", error->str);
        g_string_free(error, TRUE);
        return false;
    }
    return true;
}

FUNXMPP_TAP_UI_INIT(view_init, start_view)

// ---- tshark -z funxmpp,rows: one record per stanza for scripts (tools/funxmpp-batch) -------
// Printed as the pass reaches each stanza (nothing held): frame, capture time (seconds since
// the epoch), TCP stream, direction (C>S or S>C), version, the top-level element's tag, its
// type, from, to and id attributes (each as its value reads), the canonical XML, and the
// end-to-end Messages as JSON (one: the object; several: an array): DESIGN 2.11's columns,
// twelve a record, always; an attribute the element does not have, or no JSON, is the byte
// 0x1D. Fields are separated by 0x1F, the record ends with 0x1E and a line break. None of the
// three occurs in a field: canonical XML and attribute values write control characters other
// than TAB, LF and CR as hex, JSON escapes them all.

tap_packet_status rows_packet(void *, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t)
{
    const auto *r = static_cast<const TapRecord *>(data);
    if (!is_stanza(*r))
        return TAP_PACKET_DONT_REDRAW;
    std::printf("%u\x1f%lld.%09d\x1f%u\x1f%s\x1f%s\x1f%s", pinfo->num, static_cast<long long>(pinfo->abs_ts.secs),
                pinfo->abs_ts.nsecs, r->stream, r->direction == 0 ? "C>S" : "S>C", r->version, r->tag);
    for (const char *attribute : r->head)
        std::printf("\x1f%s", attribute != nullptr ? attribute : "\x1d");
    std::printf("\x1f%s\x1f", r->xml);
    const std::vector<std::string_view> messages = record_messages(*r);
    if (messages.size() > 1)
        std::fputc('[', stdout);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i > 0)
            std::fputc(',', stdout);
        std::fwrite(messages[i].data(), 1, messages[i].size(), stdout);
    }
    if (messages.size() > 1)
        std::fputc(']', stdout);
    std::fputs(messages.empty() ? "\x1d\x1e\n" : "\x1e\n", stdout);
    return TAP_PACKET_DONT_REDRAW;
}

bool start_rows(const char *opt_arg)
{
    const char *filter = tap_filter(opt_arg, "funxmpp,rows");
    static int rows_listener;  // (a listener is known by its data pointer; rows keep no state)
    GString *error = register_tap_listener("funxmpp", &rows_listener, filter, TL_REQUIRES_NOTHING, nullptr, rows_packet,
                                           nullptr, nullptr);
    if (error != nullptr) {
        std::fprintf(stderr, "tshark: couldn't register funxmpp,rows tap: %s\n", error->str);
        g_string_free(error, TRUE);
        return false;
    }
    return true;
}

FUNXMPP_TAP_UI_INIT(rows_init, start_rows)

}  // namespace

int funxmpp_tap()
{
    return tap_id;
}

namespace {

// What a frame without a decoded stanza was.
std::string frame_note(const TapRecord &r)
{
    const std::string bytes = std::to_string(r.length) + " bytes";
    switch (r.frame) {
    case TapFrame::Encrypted: return "encrypted frame, " + bytes + ", not decrypted";
    case TapFrame::MacMismatch: return "encrypted frame, " + bytes + ", MAC mismatch";
    case TapFrame::KeepAlive: return "keep-alive";
    case TapFrame::Handshake: return std::string(r.handshake) + ", " + bytes;
    case TapFrame::TagMismatch: return "encrypted frame, " + bytes + ", tag mismatch";
    case TapFrame::Plaintext:
    case TapFrame::Decrypted:
    case TapFrame::Malformed: break;
    }
    return "malformed frame";
}

}  // namespace

std::string record_line(const TapRecord &r)
{
    return is_stanza(r) ? std::string(r.xml) : "<!-- " + frame_note(r) + " -->";
}

std::vector<std::string_view> record_messages(const TapRecord &r)
{
    std::vector<std::string_view> messages;
    for (const char *json = r.json; json != nullptr && *json != '\0';) {
        const char *end = std::strchr(json, '\n');
        messages.emplace_back(json, end != nullptr ? static_cast<std::size_t>(end - json) : std::strlen(json));
        json = end != nullptr ? end + 1 : nullptr;
    }
    return messages;
}

std::vector<std::string> record_e2e_lines(const TapRecord &r)
{
    std::vector<std::string> lines;
    for (std::string_view json : record_messages(r))
        lines.push_back("e2e " + std::string(json));
    return lines;
}

std::string record_summary(const TapRecord &r)
{
    if (!is_stanza(r))
        return frame_note(r);
    const char *said = r.summary != nullptr && *r.summary != '\0' ? r.summary : r.tag != nullptr ? r.tag : "stanza";
    // One line, whatever a quoted message says: control characters as C escapes.
    std::string line;
    for (const char *c = said; *c != '\0'; ++c) {
        const auto b = static_cast<unsigned char>(*c);
        if (b >= 0x20 && b != 0x7F) {
            line.push_back(*c);
        } else {
            static const char kHex[] = "0123456789abcdef";
            line += b == '\n' ? "\\n" : b == '\r' ? "\\r" : b == '\t' ? "\\t" : std::string{'\\', 'x', kHex[b >> 4], kHex[b & 15]};
        }
    }
    return line;
}

void register_taps(int)
{
    tap_id = register_tap("funxmpp");
    stats_tree_register_plugin("funxmpp", "funxmpp", "FunXMPP/Stanzas and frames", 0, stats_packet, stats_init, nullptr);
    static stat_tap_ui view_ui = {REGISTER_STAT_GROUP_GENERIC, "FunXMPP decoded streams", "funxmpp,xml", view_init, 0,
                                  nullptr};
    register_stat_tap_ui(&view_ui, nullptr);
    static stat_tap_ui rows_ui = {REGISTER_STAT_GROUP_GENERIC, "FunXMPP stanza rows (for scripts)", "funxmpp,rows",
                                  rows_init, 0, nullptr};
    register_stat_tap_ui(&rows_ui, nullptr);
}

}  // namespace funxmpp::ws
