// SPDX-License-Identifier: GPL-2.0-or-later
// The conversation as people look at it (DESIGN 2.10), for both eras, from the tap "funxmpp":
// Follow FunXMPP Stream (register_follow_stream; tshark -z follow,funxmpp,MODE,STREAM) and the
// FunXMPP flow graph (register_seq_analysis; tshark -z flow,funxmpp,standard). Both listen to
// the tap, so they cost nothing while closed.
#pragma once

namespace funxmpp::ws {

void register_conversation_views(int proto);

}  // namespace funxmpp::ws
