// SPDX-License-Identifier: GPL-2.0-or-later
// The secrets table funxmpp_passwords (DESIGN 2.4): phone, base64 password, optional hex
// nonce; settable in the GUI and with tshark -o 'uat:funxmpp_passwords:...'.
#pragma once

#include "ws_compat.h"

#include <epan/prefs.h>

#include <optional>
#include <string>

#include "funxmpp/session/session.hpp"

namespace funxmpp::ws {

void register_passwords_table(module_t *module);

// The table's entry for a phone (digits with country code), decoded.
std::optional<Credentials> lookup_password(const std::string &phone);

}  // namespace funxmpp::ws
