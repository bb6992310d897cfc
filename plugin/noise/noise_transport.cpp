// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise/noise_transport.hpp"

#include <epan/dissectors/packet-tcp.h>
#include <epan/proto_data.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "codec/noise.hpp"
#include "codec/ordered_find.hpp"
#include "cpp_scope.hpp"
#include "fields.hpp"
#include "noise/noise_view.hpp"

namespace funxmpp::ws {

using noise::Phase;
using noise::StreamUnit;
using noise::UnitKind;
using noise::UnitStatus;

namespace {

// The phase a unit of this kind is read in, for a later pass that knows the unit's kind.
Phase phase_of(UnitKind kind)
{
    switch (kind) {
    case UnitKind::RoutingPrefix: return Phase::ClientStart;
    case UnitKind::Prologue: return Phase::AfterPrefix;
    case UnitKind::Frame: return Phase::Frames;
    }
    return Phase::Frames;
}

struct UnitEntry {
    std::uint32_t key;  // stream position - units_origin
    const NoiseUnitRecord *rec;
};

const NoiseUnitRecord *unit_record(NoiseDirection &d, StreamPosition position)
{
    if (d.units == nullptr)
        return nullptr;
    const auto *entries = static_cast<const UnitEntry *>(wmem_array_get_raw(d.units));
    const std::size_t n = wmem_array_get_count(d.units);
    const std::uint32_t key = position - d.units_origin;
    const std::size_t i = ordered_find(entries, n, key, d.units_cursor);
    if (i < n)
        return entries[i].rec;
    if (d.units_behind != nullptr)
        return static_cast<const NoiseUnitRecord *>(wmem_map_lookup(d.units_behind, GUINT_TO_POINTER(key)));
    return nullptr;
}

void keep_unit_record(NoiseDirection &d, StreamPosition position, const NoiseUnitRecord &rec)
{
    auto *kept = wmem_new(wmem_file_scope(), NoiseUnitRecord);
    *kept = rec;
    if (d.units == nullptr) {
        d.units = wmem_array_new(wmem_file_scope(), sizeof(UnitEntry));
        d.units_origin = position;
    }
    auto *entries = static_cast<UnitEntry *>(wmem_array_get_raw(d.units));
    const std::size_t n = wmem_array_get_count(d.units);
    const UnitEntry entry{position - d.units_origin, kept};
    // In order: past the last one, and not so far past that it is rather a position before the
    // first (a capture that starts mid-stream, then an earlier segment).
    if (n == 0 || (entry.key > entries[n - 1].key && entry.key - entries[n - 1].key < 0x80000000u)) {
        wmem_array_append_one(d.units, entry);
        return;
    }
    if (const std::size_t i = ordered_find(entries, n, entry.key, d.units_cursor); i < n) {
        entries[i].rec = kept;  // learnt again: the later record stands
        return;
    }
    if (d.units_behind == nullptr)
        d.units_behind = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(d.units_behind, GUINT_TO_POINTER(entry.key), kept);
}

// From the first byte not followed on (the routing prefix that says so has its own record).
bool lost_at(const NoiseDirection &d, StreamPosition position)
{
    return d.lost && position - d.lost_position < 0x80000000u;
}

// ---- TCP ----------------------------------------------------------------------------------

struct TcpContext {
    ConversationState *st;
    NoiseConnection *nc;
    int dir;
    StreamPosition base, position;
    Phase phase;  // what the unit about to be dissected is read as
    bool desegment;
    bool columns_taken;
};

// First pass: the direction cannot be followed from `position` on (its bytes are shown as
// undecoded from there).
const NoiseUnitRecord *lose_from(NoiseDirection &d, StreamPosition position)
{
    NoiseUnitRecord rec{};
    rec.after_gap = true;
    d.lost = true;
    d.lost_position = position;
    keep_unit_record(d, position, rec);
    return unit_record(d, position);
}

// The longest frame waited for after a gap before its tag can be tried (bytes).
constexpr std::size_t kResyncLongestWait = 64 * 1024;

// First pass: a position TCP hands over where no unit was expected. Before the expected one:
// the rest of a unit cut short (TCP could not reassemble it); after it: bytes are missing.
const NoiseUnitRecord *unexpected_position(const NoiseConnection *nc, NoiseDirection &d, StreamPosition position)
{
    if (!d.expected_known || position == d.expected)
        return nullptr;
    NoiseUnitRecord rec{};
    if (d.expected - position < 0x80000000u) {
        rec.continuation = true;
        rec.span = d.expected - position;
    } else if (nc->crypto.keys_known && d.phase == Phase::Frames) {
        // With keys, a frame that starts here is found again by its tag (tcp_unit).
        d.resync_pending = true;
        d.resync_position = position;
        return nullptr;
    } else {
        return lose_from(d, position);
    }
    keep_unit_record(d, position, rec);
    return unit_record(d, position);
}

// The frame after a gap: which counter past the expected one (within a window) opens it; the
// direction's counter moves there. False if none does.
bool resync(NoiseConnection *nc, int dir, const StreamUnit &u, const guint8 *bytes)
{
    if (u.status != UnitStatus::Unit || u.kind != noise::UnitKind::Frame || u.length < noise::kTagLength)
        return false;
    const std::string_view sealed(reinterpret_cast<const char *>(bytes + noise::kFrameHeader), u.length);
    noise::Key32 key;
    std::memcpy(key.data(), nc->crypto.key[dir], key.size());
    const std::uint32_t from = nc->progress.transport[dir];
    bool found = false;
    std::uint32_t counter = 0;
    cpp_scope([&] {
        for (std::uint32_t c = from; c < from + noise::kResyncWindow && !found; ++c)
            if (noise::gcm_open(key, c, sealed)) {
                found = true;
                counter = c;
            }
    });
    if (found)
        nc->progress.resync(dir, counter);
    return found;
}

guint tcp_unit_length(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    auto *ctx = static_cast<TcpContext *>(data);
    NoiseDirection &d = ctx->nc->dir[ctx->dir];
    ctx->position = ctx->base + static_cast<StreamPosition>(offset);
    const guint available = tvb_captured_length_remaining(tvb, offset);
    // A unit seen before (every later pass; a retransmission TCP hands over again) is read as
    // it was then.
    const NoiseUnitRecord *rec = unit_record(d, ctx->position);
    if (rec == nullptr && !PINFO_FD_VISITED(pinfo) && !lost_at(d, ctx->position))
        rec = unexpected_position(ctx->nc, d, ctx->position);
    if (rec != nullptr && rec->continuation)
        return rec->span;  // (TCP shows what of it is captured)
    if ((rec != nullptr && rec->after_gap) || (rec == nullptr && (lost_at(d, ctx->position) || PINFO_FD_VISITED(pinfo))))
        return available;  // shown as undecoded bytes
    const Phase phase = rec != nullptr ? phase_of(rec->kind) : d.phase;
    ctx->phase = phase;
    const guint n = std::min<guint>(available, noise::kRoutingHeader);
    const StreamUnit u = noise::next_unit(tvb_get_ptr(tvb, offset, static_cast<gint>(n)), n, phase);
    if (u.status == UnitStatus::Malformed && u.size == 0)  // the rest of the stream cannot be followed:
        return std::min<guint>(available, static_cast<guint>(u.header()));  // the header that says so
    if (u.status == UnitStatus::NeedMore && n < u.size && u.size <= noise::kRoutingHeader) {
        // Not even the unit's header is here: ask for one more segment (or show what there is).
        return ctx->desegment && pinfo->can_desegment > 0 ? 0 : available;
    }
    if (rec == nullptr && d.resync_pending && d.resync_position == ctx->position && u.size > available &&
        u.size > kResyncLongestWait) {
        // After a gap, the length read may be bytes from inside a frame: waiting for megabytes
        // that never form a frame would swallow the rest of the direction. A frame this long
        // cannot be tried by its tag before it is all here: the direction is lost from here.
        d.resync_pending = false;
        lose_from(d, ctx->position);
        return available;
    }
    return static_cast<guint>(u.size);
}

int tcp_unit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    auto *ctx = static_cast<TcpContext *>(data);
    NoiseDirection &d = ctx->nc->dir[ctx->dir];
    const int length = static_cast<int>(tvb_reported_length(tvb));
    NoiseUnitRecord rec{};
    if (const NoiseUnitRecord *kept = unit_record(d, ctx->position)) {
        rec = *kept;  // learnt already (a later pass, or the same bytes again)
    } else if (!PINFO_FD_VISITED(pinfo) && !lost_at(d, ctx->position)) {
        const guint have = tvb_captured_length(tvb);
        const guint8 *bytes = tvb_get_ptr(tvb, 0, static_cast<gint>(have));
        const StreamUnit u = noise::next_unit(bytes, have, ctx->phase);
        const bool after_gap = d.resync_pending && d.resync_position == ctx->position;
        d.resync_pending = false;
        if (after_gap && !resync(ctx->nc, ctx->dir, u, bytes)) {
            lose_from(d, ctx->position);  // not a frame of these keys
            show_noise_undecoded(tvb, 0, pinfo, tree, ctx->dir, Undecoded::LostHere, ctx->columns_taken);
            return length;
        }
        rec = learn_noise_unit(ctx->nc, ctx->dir, u, bytes, have, tvb_reported_length(tvb));
        if (after_gap) {
            rec.resynced = true;
            rec.missing = ctx->position - d.expected;
        }
        keep_unit_record(d, ctx->position, rec);
        d.phase = noise::phase_after(d.phase, rec.cut_short ? StreamUnit{UnitStatus::Unit, u.kind} : u);
        if (u.status == UnitStatus::Malformed && u.size == 0) {
            d.lost = true;
            d.lost_position = ctx->position + static_cast<StreamPosition>(length);
        }
        d.expected_known = true;
        d.expected = ctx->position + static_cast<StreamPosition>(rec.cut_short ? u.size : static_cast<std::size_t>(length));
    } else {
        show_noise_undecoded(tvb, 0, pinfo, tree, ctx->dir, Undecoded::Lost, ctx->columns_taken);
        return length;
    }
    if (rec.continuation || rec.after_gap)
        show_noise_undecoded(tvb, 0, pinfo, tree, ctx->dir, rec.after_gap ? Undecoded::LostHere : Undecoded::Continuation,
                             ctx->columns_taken);
    else
        show_noise_unit(tvb, pinfo, tree, ctx->st, ctx->dir, rec, ctx->columns_taken);
    return length;
}

}  // namespace

void dissect_noise_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ConversationState *st, int dir,
                       StreamPosition base, bool desegment)
{
    TcpContext ctx{st, st->noise, dir, base, 0, Phase::Frames, desegment, false};
    tcp_dissect_pdus(tvb, pinfo, tree, desegment, noise::kFrameHeader, tcp_unit_length, tcp_unit, &ctx);
}

// ---- WebSocket ----------------------------------------------------------------------------

namespace {

int proto_funxmpp = -1;

// A unit that a message completes: where it starts in the direction's stream and, when it
// began in an earlier message, a copy of its bytes.
struct WsUnit {
    StreamPosition position;
    guint32 size;
    const guint8 *bytes;  // nullptr: wholly inside this message
    NoiseUnitRecord rec;
};

// What the first pass learnt about one WebSocket message of ours.
struct WsMessage {
    StreamPosition position;  // of the message's first byte in its direction's stream
    guint32 length;
    guint32 unit_count;
    WsUnit *units;
    guint32 tail;             // bytes from here on begin a unit completed by a later message
    bool lost;                // the stream was lost before or in this message
    bool lost_here;           // ... in this message
    bool lost_at_routing;     // ... by an unusable routing prefix (which says so itself)
    StreamPosition lost_from; // the first byte not followed
};

constexpr guint32 kMessageKeyBase = 0x4E000000;  // 'N': per-packet data of WebSocket messages
constexpr guint32 kDissectionKey = 0x4E7FFFFF;   // this dissection's state (packet pool)

// This dissection of the packet so far: the WebSocket dissector calls us once per message, in
// order, on every visit, and sets its own Info text before each message.
struct PacketDissection {
    guint32 messages;
    bool columns_taken;  // our Info text (fenced) after the messages shown so far
};

PacketDissection *packet_dissection(packet_info *pinfo)
{
    auto *p = static_cast<PacketDissection *>(p_get_proto_data(pinfo->pool, pinfo, proto_funxmpp, kDissectionKey));
    if (p == nullptr) {
        p = wmem_new0(pinfo->pool, PacketDissection);
        p_add_proto_data(pinfo->pool, pinfo, proto_funxmpp, kDissectionKey, p);
    }
    return p;
}

// First pass: the message's bytes join the direction's pending bytes; every unit they complete
// is learnt and kept. `whole`: Wireshark handed over all of the message (it unmasks and
// inflates up to a limit): if not, the direction cannot be followed from here.
WsMessage *learn_message(NoiseConnection *nc, int dir, tvbuff_t *tvb, bool whole)
{
    NoiseDirection &d = nc->dir[dir];
    const guint32 length = tvb_reported_length(tvb);
    auto *m = wmem_new0(wmem_file_scope(), WsMessage);
    m->position = d.next_position;
    m->length = length;
    m->tail = length;
    d.next_position += length;
    if (!d.lost && !whole) {
        d.lost = true;
        d.lost_position = m->position;
        m->lost_here = true;
    }
    if (d.lost) {
        m->lost = true;
        m->lost_from = m->position;
        return m;
    }
    if (d.pending == nullptr)
        d.pending = wmem_array_new(wmem_file_scope(), 1);
    if (wmem_array_get_count(d.pending) == d.pending_start)
        d.pending_position = m->position;
    wmem_array_append(d.pending, tvb_get_ptr(tvb, 0, static_cast<gint>(length)), length);

    wmem_array_t *units = wmem_array_new(wmem_file_scope(), sizeof(WsUnit));
    const guint8 *bytes = static_cast<const guint8 *>(wmem_array_get_raw(d.pending));
    const guint32 count = wmem_array_get_count(d.pending);
    guint32 at = d.pending_start;
    while (at < count) {
        const StreamUnit u = noise::next_unit(bytes + at, count - at, d.phase);
        const StreamPosition position = d.pending_position + (at - d.pending_start);
        if (u.status == UnitStatus::NeedMore)
            break;
        const bool lost = u.status == UnitStatus::Malformed && u.size == 0;
        // Lost: the header that says so is shown, then nothing more of this direction.
        const guint32 size = lost ? static_cast<guint32>(std::min<std::size_t>(u.header(), count - at))
                                  : static_cast<guint32>(u.size);
        WsUnit w{position, size, nullptr, learn_noise_unit(nc, dir, u, bytes + at, size, size)};
        if (position < m->position)  // began in an earlier message: keep a copy of the whole unit
            w.bytes = static_cast<const guint8 *>(wmem_memdup(wmem_file_scope(), bytes + at, w.size));
        wmem_array_append_one(units, w);
        at += size;
        if (lost) {
            d.lost = true;
            d.lost_position = position + size;
            m->lost = true;
            m->lost_here = m->lost_at_routing = true;
            m->lost_from = d.lost_position;
            break;
        }
        d.phase = noise::phase_after(d.phase, u);
    }
    // What is left begins a unit that a later message completes.
    const StreamPosition rest = d.pending_position + (at - d.pending_start);
    if (at < count && !m->lost)
        m->tail = rest > m->position ? rest - m->position : 0;
    d.pending_position = rest;
    d.pending_start = at;
    if (m->lost || at == count) {
        wmem_destroy_array(d.pending);
        d.pending = nullptr;
        d.pending_start = 0;
    } else if (at > count - at) {
        // Compact once the consumed bytes outweigh the rest: each byte is copied a bounded
        // number of times, however many messages a frame spans.
        wmem_array_t *left = wmem_array_new(wmem_file_scope(), 1);
        wmem_array_append(left, bytes + at, count - at);
        wmem_destroy_array(d.pending);
        d.pending = left;
        d.pending_start = 0;
    }

    m->unit_count = wmem_array_get_count(units);
    m->units = static_cast<WsUnit *>(wmem_array_get_raw(units));
    return m;
}

void show_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ConversationState *st, int dir,
                  const WsMessage &m, PacketDissection &pd)
{
    bool columns_taken = false;
    if (pd.columns_taken) {
        // Ours already: put back what the earlier messages of the packet showed.
        // What the earlier messages showed is behind our fence: what came after it goes.
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "FunXMPP");
        col_clear(pinfo->cinfo, COL_INFO);
        columns_taken = true;
    }
    for (guint32 i = 0; i < m.unit_count; ++i) {
        const WsUnit &w = m.units[i];
        tvbuff_t *unit_tvb;
        if (w.bytes != nullptr) {
            unit_tvb = tvb_new_child_real_data(tvb, w.bytes, w.size, w.size);
            add_new_data_source(pinfo, unit_tvb, "Reassembled Noise frame");
        } else {
            unit_tvb = tvb_new_subset_length(tvb, static_cast<gint>(w.position - m.position), static_cast<gint>(w.size));
        }
        show_noise_unit(unit_tvb, pinfo, tree, st, dir, w.rec, columns_taken);
    }
    if (m.lost) {
        const guint32 from = m.lost_from > m.position ? m.lost_from - m.position : 0;
        if (from < m.length)
            show_noise_undecoded(tvb, static_cast<int>(from), pinfo, tree, dir,
                                 m.lost_here && !m.lost_at_routing ? Undecoded::LostHere : Undecoded::Lost, columns_taken);
    } else if (m.tail < m.length) {
        // A frame that a later message completes (shown there, whole).
        if (!columns_taken) {
            col_set_str(pinfo->cinfo, COL_PROTOCOL, "FunXMPP");
            col_clear(pinfo->cinfo, COL_INFO);
            columns_taken = true;
        }
        proto_item *top = proto_tree_add_item(tree, proto_funxmpp, tvb, static_cast<gint>(m.tail), -1, ENC_NA);
        proto_tree *t = proto_item_add_subtree(top, fields.ett_noise);
        proto_tree_add_item(t, fields.noise_fragment, tvb, static_cast<gint>(m.tail), -1, ENC_NA);
        proto_item_append_text(top, ", %s, frame continued in a later message",
                               dir == kClientToServer ? "Client to server" : "Server to client");
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "[frame continued in a later message]");
    }
    if (columns_taken && pinfo->cinfo != nullptr) {
        // Fenced, so that TLS or WebSocket text written before our next message (TLS fences
        // the column itself, between records) neither hides nor repeats ours.
        pd.columns_taken = true;
        col_set_fence(pinfo->cinfo, COL_INFO);
    }
}

ws_bool dissect_noise_websocket(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    // Every message handed to us counts, ours or not, so that a message's number in its
    // packet is the same on every visit.
    PacketDissection *pd = packet_dissection(pinfo);
    const guint32 key = kMessageKeyBase + pd->messages++;
    auto *m = static_cast<WsMessage *>(p_get_proto_data(wmem_file_scope(), pinfo, proto_funxmpp, key));
    ConversationState *st = conversation_state(pinfo, false);
    if (PINFO_FD_VISITED(pinfo) && m == nullptr)
        return false;  // a message the first pass did not take
    const guint32 captured = tvb_captured_length(tvb);
    if (st == nullptr || st->noise == nullptr) {
        if (PINFO_FD_VISITED(pinfo) || captured == 0)
            return false;
        const auto start = noise::recognise_client_start(tvb_get_ptr(tvb, 0, static_cast<gint>(captured)), captured);
        if (start != noise::Recognition::Yes)
            return false;
        if (st == nullptr)
            st = conversation_state(pinfo, true);
        start_noise(st, pinfo, true);
    }
    if (!st->noise->over_websocket)
        return false;
    const int dir = direction(st, pinfo, nullptr);
    if (m == nullptr) {
        m = learn_message(st->noise, dir, tvb, captured == tvb_reported_length(tvb));
        p_add_proto_data(wmem_file_scope(), pinfo, proto_funxmpp, key, m);
    }
    show_message(tvb, pinfo, tree, st, dir, *m, *pd);
    return true;
}

}  // namespace

void register_noise_websocket(int proto)
{
    proto_funxmpp = proto;
    heur_dissector_add("ws", dissect_noise_websocket, "FunXMPP successor (Noise) over WebSocket", "funxmpp_ws", proto,
                       HEURISTIC_ENABLE);
}

}  // namespace funxmpp::ws
