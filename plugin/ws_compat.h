/* SPDX-License-Identifier: GPL-2.0-or-later
 * The few Wireshark API differences between 4.0 (Debian 12) and 4.2-4.6, in one place. */
#pragma once

#include <wireshark.h>
#include <ws_version.h>

#define FUNXMPP_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* 4.2 turned the API's truth values from gboolean into bool: heuristic dissectors, boolean
 * preferences and UAT callbacks. ws_bool is whichever this Wireshark takes. */
#if FUNXMPP_WS_AT_LEAST(4, 2)
typedef bool ws_bool;
#else
typedef gboolean ws_bool;
#endif

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

/* 4.4 named the tvb accessors after stdint types (tvb_get_uint8) and deprecated the glib-named
 * ones; the plugin uses the new names, which older versions get here. */
#if !FUNXMPP_WS_AT_LEAST(4, 4)
#define tvb_get_uint8 tvb_get_guint8
#endif

/* 4.6: a tap UI's init callback says whether the tap started (tshark then reports the
 * failure); before, it returned nothing and had to end tshark itself. Write the callback as
 * FUNXMPP_TAP_UI_INIT(name, start), start being bool(const char *arg) that says why it failed
 * on stderr. */
#if FUNXMPP_WS_AT_LEAST(4, 6)
#define FUNXMPP_TAP_UI_INIT(name, start) \
    bool name(const char *arg, void *) { return start(arg); }
#else
#define FUNXMPP_TAP_UI_INIT(name, start) \
    void name(const char *arg, void *) { if (!start(arg)) exit(1); }
#endif

/* 4.4 renamed IS_FT_STRING() (is this field type a string?) to FT_IS_STRING(). */
#include <epan/ftypes/ftypes.h>
#ifndef FT_IS_STRING
#define FT_IS_STRING(ft) IS_FT_STRING(ft)
#endif
