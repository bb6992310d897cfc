/* SPDX-License-Identifier: GPL-2.0-or-later
 * Wireshark's sequence analysis (flow graph) API. Its header, epan/sequence_analysis.h, is not
 * among those Debian's libwireshark-dev installs (4.0, 4.4 and 4.6 alike), so what the plugin
 * uses of it is declared here: the exported functions, and the leading members of the two
 * structures a flow's tap callback fills in. The offsets are checked below against what
 * Wireshark's own flow callback (packet-frame.c) writes in each release's libwireshark. */
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>
#include <epan/tap.h>

#include <cstddef>

extern "C" {
typedef struct _seq_analysis_item seq_analysis_item_t;
typedef struct _seq_analysis_info seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, unsigned tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
}

namespace funxmpp::ws {

/* seq_analysis_item_t up to line_style (4.2 turned its two gboolean flags into bool). */
struct SeqAnalysisItemHead {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    char *frame_label;  /* g_malloc'ed: Wireshark frees it with the item */
    char *time_str;
    char *comment;      /* g_malloc'ed */
    guint16 conv_num;
    unsigned fg_color;
    unsigned bg_color;
    ws_bool has_color_filter;
    ws_bool display;
    unsigned src_node;
    unsigned dst_node;
    guint16 line_style;
};

/* seq_analysis_info_t up to its queue of items. */
struct SeqAnalysisInfoHead {
    const char *name;
    ws_bool any_addr;
    int nconv;
    GQueue *items;
};

/* Where libwireshark 4.0.17, 4.4.19 and 4.6.9 write these members (objdump of the frame flow
 * callback: frame_number 0x0, port_src 0x20, port_dst 0x40, conv_num 0x60, display 0x70 /
 * 0x6d, line_style 0x7c / 0x78; sequence_analysis_info_new: items 0x10). */
static_assert(offsetof(SeqAnalysisItemHead, port_src) == 0x20 && offsetof(SeqAnalysisItemHead, port_dst) == 0x40 &&
                  offsetof(SeqAnalysisItemHead, conv_num) == 0x60,
              "seq_analysis_item_t layout");
#if FUNXMPP_WS_AT_LEAST(4, 2)
static_assert(offsetof(SeqAnalysisItemHead, display) == 0x6d && offsetof(SeqAnalysisItemHead, line_style) == 0x78,
              "seq_analysis_item_t layout (4.2 and later)");
#else
static_assert(offsetof(SeqAnalysisItemHead, display) == 0x70 && offsetof(SeqAnalysisItemHead, line_style) == 0x7c,
              "seq_analysis_item_t layout (4.0)");
#endif
static_assert(offsetof(SeqAnalysisInfoHead, items) == 0x10, "seq_analysis_info_t layout");

}  // namespace funxmpp::ws
