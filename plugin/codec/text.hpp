// SPDX-License-Identifier: GPL-2.0-or-later
// The text-or-binary rule of the canonical XML (DESIGN 2.2), shared by every consumer that
// has to decide whether bytes are shown as text or as hex.
#pragma once

#include <string>
#include <string_view>

namespace funxmpp {

// True when `bytes` is valid UTF-8 with no control characters other than TAB, LF and CR
// (C0 controls, DEL and the C1 controls U+0080-U+009F count as control characters).
bool is_text(std::string_view bytes);

// Lowercase hex of every byte, appended to `out`.
void append_hex(std::string &out, std::string_view bytes);

}  // namespace funxmpp
