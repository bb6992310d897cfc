// SPDX-License-Identifier: GPL-2.0-or-later
// What the plugin's protocols share about a capture file: passwords learnt from
// registration answers, handed to FunXMPP logins later in the capture.
#pragma once

#include "ws_compat.h"

#include <string>

namespace funxmpp::ws {

// A registration answer (wareg, in frame `frame`) gave `phone` this password (base64).
void remember_registration_password(const std::string &phone, const std::string &password_base64, guint32 frame);

}  // namespace funxmpp::ws
