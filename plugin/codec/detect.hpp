// SPDX-License-Identifier: GPL-2.0-or-later
// Stream detection without Wireshark: what the first bytes of a TCP stream say about it
// (a FunXMPP prologue, frames of a stream seen mid-way, TLS, the successor protocol).
#pragma once

#include <cstddef>
#include <cstdint>

#include "codec/framing.hpp"
#include "codec/version.hpp"

namespace funxmpp {

// Do the bytes look like consecutive FunXMPP frames of `d` (a stream seen mid-way)? Every
// whole header must be usable, and every plaintext payload must start like a node.
bool plausible_frames(const std::uint8_t *data, std::size_t size, const Dialect &d);

// A TLS record header (content type 20-24, major version 3): TLS seen mid-stream, whatever a
// frame-header reading of it says (with WA 1.2 it would read as plausible).
bool looks_like_tls_record(const std::uint8_t *data, std::size_t size);

enum class StreamClaim : std::uint8_t {
    Prologue,   // "WA" and a known FunXMPP version, followed by plausible frames
    MidStream,  // no prologue, but frames of the mid-stream dialect
    Noise,      // a successor (Noise-era) client stream: routing prefix or "WA" 2.x and later
    Refused,    // never FunXMPP: a "WA" 0.x/1.x no client used, or a "WA" 2.x+ that does not fit
    NeedMore,   // the start of a prologue, not yet whole
    No,         // anything else
};

struct StreamStart {
    StreamClaim claim = StreamClaim::No;
    Version version{};  // Prologue: the prologue's; MidStream: the mid-stream dialect's; Noise: the
                        // prologue's when it is not behind a routing prefix
};

// Classifies the first bytes of a stream; `mid_stream` is the dialect assumed for a stream
// whose prologue is not in the capture.
StreamStart classify_stream_start(const std::uint8_t *data, std::size_t size, const Dialect &mid_stream);

}  // namespace funxmpp
