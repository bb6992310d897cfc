// SPDX-License-Identifier: GPL-2.0-or-later
#include "views/conversation_views.hpp"

#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/follow.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include <string>

#include "taps.hpp"
#include "views/sequence_analysis_abi.h"

namespace funxmpp::ws {

namespace {

// ---- Follow FunXMPP Stream -----------------------------------------------------------------
// One follow record per stanza (or per frame left encrypted), its text the canonical XML and
// the end-to-end JSON after it, one line each. The stream number is TCP's (tcp.stream).

char *stream_filter(unsigned stream, unsigned)
{
    return g_strdup_printf("tcp.stream eq %u", stream);
}

// The selected packet's connection, when FunXMPP is in it.
char *conversation_filter(epan_dissect_t *, packet_info *pinfo, unsigned *stream, unsigned *sub_stream)
{
    if (!proto_is_frame_protocol(pinfo->layers, "funxmpp") || pinfo->ptype != PT_TCP)
        return nullptr;
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    struct tcp_analysis *tcp = conv != nullptr ? get_tcp_conversation_data(conv, pinfo) : nullptr;
    if (tcp == nullptr)
        return nullptr;
    *stream = tcp->stream;
    if (sub_stream != nullptr)
        *sub_stream = 0;
    return stream_filter(tcp->stream, 0);
}

// tshark -z follow,funxmpp,MODE,ADDR:PORT,ADDR:PORT: both directions between the two ends.
char *address_filter(address *src, address *dst, int src_port, int dst_port)
{
    const char *ip = src->type == AT_IPv6 ? "ipv6" : "ip";
    char *a = address_to_str(nullptr, src), *b = address_to_str(nullptr, dst);
    char *filter = g_strdup_printf("((%s.src eq %s and tcp.srcport eq %d and %s.dst eq %s and tcp.dstport eq %d) or "
                                   "(%s.src eq %s and tcp.srcport eq %d and %s.dst eq %s and tcp.dstport eq %d))",
                                   ip, a, src_port, ip, b, dst_port, ip, b, dst_port, ip, a, src_port);
    wmem_free(nullptr, a);
    wmem_free(nullptr, b);
    return filter;
}

char *port_to_display(wmem_allocator_t *allocator, unsigned port)
{
    return wmem_strdup_printf(allocator, "%u", port);
}

tap_packet_status follow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t)
{
    auto *info = static_cast<follow_info_t *>(tapdata);
    const auto *r = static_cast<const TapRecord *>(data);
    // The ends as the dissector knows them (not as the first record happens to go).
    if (info->client_port == 0) {
        const bool from_client = r->direction == 0;
        copy_address(&info->client_ip, from_client ? &pinfo->src : &pinfo->dst);
        copy_address(&info->server_ip, from_client ? &pinfo->dst : &pinfo->src);
        info->client_port = from_client ? pinfo->srcport : pinfo->destport;
        info->server_port = from_client ? pinfo->destport : pinfo->srcport;
    }
    std::string text = record_line(*r) + "\n";
    for (const std::string &line : record_e2e_lines(*r))
        text += line + "\n";
    auto *record = g_new0(follow_record_t, 1);
    record->is_server = r->direction != 0;
    record->packet_num = pinfo->num;
    record->abs_ts = pinfo->abs_ts;
    record->data = g_byte_array_append(g_byte_array_sized_new(static_cast<guint>(text.size())),
                                       reinterpret_cast<const guint8 *>(text.data()), static_cast<guint>(text.size()));
    info->bytes_written[record->is_server ? 1 : 0] += static_cast<guint>(text.size());
    info->payload = g_list_prepend(info->payload, record);
    return TAP_PACKET_REDRAW;
}

#if FUNXMPP_WS_AT_LEAST(4, 4)
uint32_t stream_count()
{
    return get_tcp_stream_count();
}
#endif

// ---- Flow graph -----------------------------------------------------------------------------
// One arrow per record, between the packet's ends, labelled with the record's summary; the
// comment says the protocol, as Wireshark's own flows do.

tap_packet_status flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t)
{
    auto *sainfo = static_cast<seq_analysis_info_t *>(tapdata);
    const auto *r = static_cast<const TapRecord *>(data);
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (sai == nullptr)
        return TAP_PACKET_DONT_REDRAW;
    auto *head = reinterpret_cast<SeqAnalysisItemHead *>(sai);
    head->frame_number = pinfo->num;
    head->port_src = static_cast<guint16>(pinfo->srcport);
    head->port_dst = static_cast<guint16>(pinfo->destport);
    sequence_analysis_use_color_filter(pinfo, sai);
    const std::string label = record_summary(*r);
    head->frame_label = g_strdup(label.c_str());
    head->comment = g_strdup_printf("FunXMPP: %s", label.c_str());
    head->line_style = 1;
    head->conv_num = static_cast<guint16>(r->stream);
    head->display = true;
    g_queue_push_tail(reinterpret_cast<SeqAnalysisInfoHead *>(sainfo)->items, sai);
    return TAP_PACKET_REDRAW;
}

}  // namespace

void register_conversation_views(int proto)
{
#if FUNXMPP_WS_AT_LEAST(4, 4)
    register_follow_stream(proto, "funxmpp", conversation_filter, stream_filter, address_filter, port_to_display,
                           follow_packet, stream_count, nullptr);
#else
    register_follow_stream(proto, "funxmpp", conversation_filter, stream_filter, address_filter, port_to_display,
                           follow_packet);
#endif
    register_seq_analysis("funxmpp", "FunXMPP", proto, "funxmpp", TL_REQUIRES_NOTHING, flow_packet);
}

}  // namespace funxmpp::ws
