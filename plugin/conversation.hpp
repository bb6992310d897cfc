// SPDX-License-Identifier: GPL-2.0-or-later
// What the dissector keeps per TCP conversation (plain data in file scope) and per frame
// (what the first pass learnt, for every later pass), and the capture-wide login state.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include <type_traits>

#include "codec/crypto.hpp"
#include "codec/noise_stream.hpp"
#include "funxmpp/session/session.hpp"

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

// The successor protocol (Noise) on one connection, over TCP or in WebSocket messages.
// Learnt on the first pass; later passes read the per-unit records by stream position.

// What a WA_NOISE_CLIENT line opened of the handshake, as far as it got (file scope).
struct NoiseOpenedHandshake {
    guint8 problem;  // noise::XxProblem
    bool server_static_known, client_static_known;
    guint8 server_static[32], client_static[32];
    const guint8 *certificate, *client_payload;
    guint32 certificate_length, client_payload_length;
    guint32 line_number;  // of the key log line
};

struct NoiseUnitRecord {
    noise::UnitKind kind;
    noise::UnitProblem problem;
    noise::FrameAssignment frame;  // Frame: its role, counter and the pattern then known
    bool cut_short;                // whole on the wire, not in the capture (snapshot length,
                                   // reassembly off): its role is known, its bytes are not all there
    bool assigned;                 // a frame that took its place in the handshake and counters
    // Not a unit: bytes TCP handed over that continue a unit cut short (`span` of them), or
    // the first bytes after a gap in the stream (a segment the capture missed).
    bool continuation, after_gap;
    guint32 span;
    bool resynced;        // the first frame after a gap, found again by its tag
    guint32 missing;      // ... that many bytes after the last one followed
    // Decryption (DESIGN 2.6): a handshake message's opened secrets, a transport frame's plaintext.
    const NoiseOpenedHandshake *opened;
    bool decrypt_tried, tag_valid;
    const guint8 *plaintext;  // flags byte and node (file scope)
    guint32 plaintext_length;
    const char *key_source;   // which key log line
    const char *no_key_why;   // not tried: why there is no key (a literal)
};

struct NoiseDirection {
    noise::Phase phase;            // first pass: what the next unit is
    bool lost;                     // first pass: the stream cannot be followed any more
    StreamPosition lost_position;  // where it was lost
    // TCP: the units' records by stream position, as the first pass kept them. While positions
    // grow (all but what TCP hands over behind the last one), in order in `units` (made with
    // the first; keys are offsets from units_origin), where every pass in order finds the next
    // one without a search; the others in `units_behind` (made when one comes, then looked in
    // whenever `units` has not the position).
    wmem_array_t *units;
    StreamPosition units_origin;
    std::size_t units_cursor;      // where the last one was found
    wmem_map_t *units_behind;
    bool expected_known;           // first pass, TCP: where the next unit starts
    StreamPosition expected;
    bool resync_pending;           // first pass: a gap before resync_position; its frame is tried
    StreamPosition resync_position;
    // WebSocket: the direction's byte stream is the concatenation of its messages' payloads.
    StreamPosition next_position;  // first pass: stream position of the next message
    wmem_array_t *pending;         // first pass: bytes of units not yet whole, from pending_start
    guint32 pending_start;         // bytes of `pending` already consumed (compacted now and then)
    StreamPosition pending_position;  // stream position of pending[pending_start]
};

// A connection's secrets as the first pass finds them.
struct NoiseCrypto {
    bool have_ephemeral;
    guint8 client_ephemeral[32];  // ClientHello.ephemeral: what key log lines name
    // The handshake fields as on the wire (file-scope copies), for WA_NOISE_CLIENT.
    const guint8 *server_ephemeral, *server_static, *server_payload, *client_static, *client_payload;
    guint32 server_ephemeral_length, server_static_length, server_payload_length, client_static_length,
        client_payload_length;
    bool client_line_looked_up, client_line_found;  // a WA_NOISE_CLIENT line names the connection
    bool named_lines_looked_up;  // WA_NOISE_TRANSPORT <ephemeral> was looked for
    guint8 anonymous_tries[2];   // frames of each direction the "-" lines were tried on
    bool keys_known;
    guint8 key[2][32];           // client-to-server, server-to-client
    const char *key_source;
};

struct NoiseConnection {
    bool over_websocket;
    NoiseCrypto crypto;          // first pass
    bool version_known;
    Version version;               // the prologue's
    noise::NoiseProgress progress; // first pass
    NoiseDirection dir[2];
};

struct ConversationState {
    const Dialect *dialect;
    NoiseConnection *noise;    // the successor protocol (then dialect is nullptr)
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
// A successor connection (file scope); `client` sent its first bytes.
NoiseConnection *start_noise(ConversationState *st, packet_info *pinfo, bool over_websocket);

static_assert(std::is_trivially_destructible_v<ConversationState> && std::is_trivially_destructible_v<FrameFacts> &&
                  std::is_trivially_destructible_v<NoiseConnection> && std::is_trivially_destructible_v<NoiseUnitRecord> &&
                  std::is_trivially_destructible_v<NoiseOpenedHandshake> &&
                  std::is_trivially_destructible_v<LoginFacts>,
              "state kept in wmem and used across Wireshark calls must be plain data");

}  // namespace funxmpp::ws
