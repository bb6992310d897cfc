// SPDX-License-Identifier: GPL-2.0-or-later
// The successor's byte streams (SUCCESSOR 2.1), without Wireshark: the client's starts with an
// optional routing prefix ("ED" 00 01 + 24-bit length + routing info) and the prologue
// ("WA" major minor), then both directions carry frames of a 24-bit length and a payload. The
// first frames are the Noise handshake; which frame is which, and each transport frame's
// counter, follow from the order of frames per direction (NoiseProgress).
#pragma once

#include <cstddef>
#include <cstdint>

#include "codec/handshake.hpp"
#include "codec/version.hpp"

namespace funxmpp::noise {

constexpr std::size_t kRoutingHeader = 7;        // "ED" 00 01 + 24-bit length
constexpr std::uint32_t kMaxRoutingInfo = 4096;  // what clients send is a few bytes
constexpr std::size_t kFrameHeader = 3;

// Where a direction's stream is: a client stream begins with the prefix or the prologue, a
// server stream (and a client's after its prologue) is frames.
enum class Phase : std::uint8_t { ClientStart, AfterPrefix, Frames };

enum class UnitKind : std::uint8_t { RoutingPrefix, Prologue, Frame };
enum class UnitStatus : std::uint8_t {
    NeedMore,   // `size` = bytes needed from the unit's start
    Malformed,  // `size` = bytes to skip (0: the rest of the stream cannot be followed)
    Unit,       // a whole unit of `size` bytes
};
enum class UnitProblem : std::uint8_t {
    None,
    ZeroLength,          // a frame of length 0 (skipped: its 3 header bytes)
    RoutingTooLong,      // routing info longer than kMaxRoutingInfo: the stream is lost
    NoPrologue,          // no "WA" where the prologue is due (the bytes are taken as frames)
};

struct StreamUnit {
    UnitStatus status = UnitStatus::NeedMore;
    UnitKind kind = UnitKind::Frame;
    UnitProblem problem = UnitProblem::None;
    std::size_t size = 0;
    std::uint32_t length = 0;  // RoutingPrefix: routing info bytes; Frame: payload bytes
    Version version{};         // Prologue
    std::size_t header() const { return kind == UnitKind::RoutingPrefix ? kRoutingHeader : kind == UnitKind::Frame ? kFrameHeader : 4; }
};

// The unit at data[0] of a stream in `phase`.
StreamUnit next_unit(const std::uint8_t *data, std::size_t size, Phase phase);
Phase phase_after(Phase phase, const StreamUnit &unit);

// What the first bytes of a TCP stream or WebSocket message say: a successor client stream
// (the routing prefix, or "WA" with a version from 2.0 to 15.15), not one, or too few bytes yet.
enum class Recognition : std::uint8_t { Yes, No, NeedMore };
Recognition recognise_client_start(const std::uint8_t *data, std::size_t size);

// Versions: the prologue's major.minor; 5.x/6.x name an MD dictionary by the minor byte.
// Known: WA 2.0, 4.0 (mobile, no node dictionary known), 5.2, 6.2, 6.3.
bool known_successor_version(Version v);

// ---- Which frame is which ---------------------------------------------------------------

enum class FrameRole : std::uint8_t { ClientHello, ServerHello, ClientFinish, Transport };
const char *frame_role_name(FrameRole r);

struct FrameAssignment {
    FrameRole role = FrameRole::Transport;
    std::uint32_t counter = 0;  // Transport: the frame's nonce counter in its direction
    Pattern pattern = Pattern::Unknown;  // the pattern known once this frame is seen
};

// One connection's handshake progress, fed every frame in stream order per direction (the
// first pass). Plain data: it lives in Wireshark's file-scope memory.
struct NoiseProgress {
    std::uint32_t frames[2] = {0, 0};     // frames seen per direction (0 = client to server)
    std::uint32_t transport[2] = {0, 0};  // transport frames seen per direction
    Pattern pattern = Pattern::Unknown;
    bool client_finish_seen = false;

    FrameAssignment assign(int direction, const std::uint8_t *payload, std::size_t size);
    // After frames were lost: the next transport frame of `direction` has this counter.
    void resync(int direction, std::uint32_t counter) { transport[direction == 0 ? 0 : 1] = counter; }
};

// How many counters past the expected one a frame after a gap is tried with.
constexpr std::uint32_t kResyncWindow = 256;

}  // namespace funxmpp::noise
