// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's entry points: what Wireshark's plugin loader looks for (version, the Wireshark
// it was built for) and the registration of its two protocols, funxmpp and wareg.
#include "ws_compat.h"

#include <epan/packet.h>
#include <epan/proto.h>

#include "protocols.hpp"

#ifndef FUNXMPP_PLUGIN_VERSION
#define FUNXMPP_PLUGIN_VERSION "0.0.0"
#endif

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
