// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end payloads opened with the key log's WA_SIGNAL_KEY lines (DESIGN 2.8), and the
// Message inside read with WAProto's names. Once a line names a ciphertext, the outcome (and the
// Message's bytes) is kept until the capture file is closed, so every pass and every click shows
// the same; a payload no line names yet is looked up again (the client may write its line later,
// as in a live capture). The Message read with WAProto's names is not kept (it is several times
// the size of its bytes, and a capture may hold millions): it is read again where it is shown,
// the last few read at hand (a packet's Info column and its tree each read it).
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include <cstddef>
#include <cstdint>

#include "codec/proto_json.hpp"
#include "codec/signal_payload.hpp"

namespace funxmpp::ws {

void register_payload_decrypt();

struct PayloadOutcome {
    enum Status : std::uint8_t { NoKeyLog, NoLine, Fault, Opened } status;
    e2e::PayloadFault fault;
    guint32 line_number;           // the WA_SIGNAL_KEY line (Fault, Opened)
    const std::uint8_t *message;   // Opened: the Message protobuf, valid until the file closes
    std::size_t message_length;
    // Opened: the Message read with WAProto's names, valid until the next call of either
    // function below (use it at once)
    const e2e::DecodedMessage *decoded;
    const char *why;               // NoKeyLog: what is missing
};
PayloadOutcome open_signal_payload(packet_info *pinfo, const std::uint8_t *ciphertext, std::size_t length);
// A Message in the clear (a <plaintext> element) read with WAProto's names, valid likewise
// until the next call; nullptr only if the reading failed inside (no memory).
const e2e::DecodedMessage *read_plain_message(const std::uint8_t *bytes, std::size_t length);

}  // namespace funxmpp::ws
