/* SPDX-License-Identifier: GPL-2.0-or-later
 * The few Wireshark API differences between 4.0 (Debian 12) and 4.2-4.6, in one place. */
#pragma once

#include <wireshark.h>
#include <ws_version.h>

#define FUNXMPP_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* 4.2 added plugin_describe(); the plugin must say what kind it is. */
#if FUNXMPP_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#define FUNXMPP_PLUGIN_DESCRIBE 1
#endif

/* 4.4 renamed tvb_child_uncompress() (zlib) to tvb_child_uncompress_zlib(). */
#if FUNXMPP_WS_AT_LEAST(4, 4)
#define funxmpp_tvb_child_uncompress_zlib tvb_child_uncompress_zlib
#else
#define funxmpp_tvb_child_uncompress_zlib tvb_child_uncompress
#endif

/* 4.2 made field_info's value a pointer. */
#if FUNXMPP_WS_AT_LEAST(4, 2)
#define FUNXMPP_FI_VALUE(fi) ((fi)->value)
#else
#define FUNXMPP_FI_VALUE(fi) (&(fi)->value)
#endif
