// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's protocols, as plugin.cpp registers them with Wireshark.
#pragma once

namespace funxmpp::ws {

void proto_register_funxmpp();    // packet-funxmpp.cpp
void proto_reg_handoff_funxmpp();
void proto_register_wareg();      // packet-wareg.cpp
void proto_reg_handoff_wareg();

}  // namespace funxmpp::ws
