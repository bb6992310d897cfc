// SPDX-License-Identifier: GPL-2.0-or-later
// What the dissector keeps per TCP conversation (plain data in file scope) and per frame
// (what the first pass learnt, for every later pass), and the capture-wide login state.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include <type_traits>

#include "codec/crypto.hpp"
#include "session/session.hpp"

namespace funxmpp::ws {

constexpr int kClientToServer = 0;
constexpr int kServerToClient = 1;

// Where a frame starts in its direction's byte stream (TCP's sequence number of its first
// byte): the same on every visit, whichever TCP segment or reassembly delivers it. Per-frame
// results are keyed by it, never by a per-call counter.
using StreamPosition = guint32;

struct DirectionState {
    bool started;                        // a PDU of this direction was dissected (first pass)
    bool has_prologue;
    StreamPosition prologue_position;    // where the prologue starts
};

struct ConversationState {
    const Dialect *dialect;
    ConnectionSession *session;  // login and ciphers, first pass only (owned by conversation.cpp)
    bool rejected;             // not FunXMPP: the port gate hands it back
    bool client_known;
    address client_addr;
    guint32 client_port;
    DirectionState dir[2];
};

ConversationState *conversation_state(packet_info *pinfo, bool create);
void set_client(ConversationState *st, const address *addr, guint32 port);
// kClientToServer or kServerToClient; without a prologue, the client is the side talking
// to one of `server_ports` (else to the lower port).
int direction(ConversationState *st, packet_info *pinfo, const range_t *server_ports);

// The connection's login and cipher state (created on first use).
ConnectionSession *session_of(ConversationState *st);
// Frees every session: the capture file is closed.
void cleanup_sessions();
// Whether passwords of registration answers may be used (a preference).
extern ws_bool pref_registration_passwords;

struct LoginFacts {
    bool fast, keys_derived, blob_valid, nonce_from_earlier_session;
    LoginProblem problem;
    AuthMechanism mechanism;
    guint8 key_count;
    guint8 keys[4][kKeySize];
    const char *phone, *password_source;
    const guint8 *nonce;
    guint32 nonce_length;
};

struct FrameFacts {
    bool encrypted;
    DecryptStatus status;
    const guint8 *plaintext;  // decrypted payload, MAC removed
    guint32 plaintext_length;
    const LoginFacts *login;
};

// What the first pass kept about the frame at `position` of this packet's direction
// (nullptr if nothing).
FrameFacts *frame_facts(packet_info *pinfo, StreamPosition position, bool create);
const LoginFacts *keep_login(const LoginReport &r);

// Plain data only: these live in wmem scopes and on the stack of code that calls Wireshark.
static_assert(std::is_trivially_destructible_v<ConversationState> && std::is_trivially_destructible_v<FrameFacts> &&
                  std::is_trivially_destructible_v<LoginFacts>,
              "state kept in wmem and used across Wireshark calls must be plain data");

}  // namespace funxmpp::ws
