// SPDX-License-Identifier: GPL-2.0-or-later
// Stream prologue and frame headers (spec sections 1.3 and 2). Like an incremental HTTP
// parser, each call answers "need more bytes", "malformed" or "here is a frame".
#pragma once

#include <cstddef>
#include <cstdint>

#include "codec/version.hpp"

namespace funxmpp {

// ---- Prologue: the 4 unframed bytes a client sends first -------------------------------

enum class StreamKind : std::uint8_t {
    NeedMore,         // fewer than 4 bytes, but they match so far
    FunXmpp,          // "WA" major minor of a FunXMPP version we know (dialect_for != nullptr)
    UnknownFunXmpp,   // "WA" 0.x / 1.x that no known client used (e.g. 1.3)
    Successor,        // "WA" 2.x and later, or the "ED" routing prefix: Noise era, not FunXMPP
    NotWhatsApp,
};

struct Prologue {
    StreamKind kind = StreamKind::NotWhatsApp;
    Version version{};       // for FunXmpp / UnknownFunXmpp / Successor("WA")
    std::size_t size = 0;    // bytes of the prologue (4), 0 when not recognised
};

Prologue parse_prologue(const std::uint8_t *data, std::size_t size);

// ---- Frame header ---------------------------------------------------------------------

// Flag bits of the header's high nibble (WA 1.2+); the 2-byte header has none.
enum FrameFlag : std::uint8_t {
    kFlagEncrypted = 0x8,        // E: RC4-encrypted (server in 1.2, both sides from 1.4)
    kFlagCompressed = 0x4,       // C: zlib-compressed
    kFlagReserved = 0x2,         // never seen
    kFlagClientEncrypted = 0x1,  // e1: client->server encrypted, WA 1.2
};

constexpr std::uint32_t kMaxFrameLength = 0xFFFFF;  // 20-bit length field

struct FrameHeader {
    std::uint8_t flags = 0;        // high nibble of the first header byte (0 for 2-byte headers)
    std::uint32_t length = 0;      // payload bytes (includes the MAC when encrypted)
    unsigned header_size = 0;

    bool encrypted() const { return (flags & (kFlagEncrypted | kFlagClientEncrypted)) != 0; }
    bool compressed() const { return (flags & kFlagCompressed) != 0; }
    std::size_t total_size() const { return header_size + length; }
};

enum class FrameStatus : std::uint8_t {
    NeedMore,   // `needed` = total bytes required (header only, or header + payload)
    Malformed,  // header read but unusable (zero length); skip `header.total_size()` bytes
    Frame,      // a whole frame is available
};

struct FrameParse {
    FrameStatus status = FrameStatus::NeedMore;
    FrameHeader header;
    std::size_t needed = 0;
};

// Parses the frame starting at data[0] with a header of `header_size` (Dialect::header_size);
// `plain_length24`: the successor's 3-byte header, a plain 24-bit length with no flags.
FrameParse parse_frame(const std::uint8_t *data, std::size_t size, unsigned header_size, bool plain_length24 = false);

// ---- Frame cursor: one walk over a direction's frames for every consumer ------------------

// One step of the walk: a whole frame, an unusable header, or the bytes of a frame that is
// not all there yet. Offsets are relative to the start of the walked bytes.
struct FrameStep {
    FrameStatus status = FrameStatus::NeedMore;
    FrameHeader header;
    std::size_t offset = 0;  // of the frame header
    std::size_t needed = 0;  // NeedMore: bytes the frame needs from `offset` (header or whole)

    std::size_t payload_offset() const { return offset + header.header_size; }
};

// Walks the frames of bytes that start on a frame boundary (after the prologue, if any). The
// cursor only moves past a header it could read (a whole frame, or a malformed one it skips);
// at a partial frame it stays, and reports NeedMore each time it is asked.
class FrameCursor {
public:
    FrameCursor(const std::uint8_t *data, std::size_t size, unsigned header_size, std::size_t start = 0)
        : data_(data), size_(size), header_size_(header_size), pos_(start)
    {
    }
    // The frames of a dialect's streams (its header size and kind).
    FrameCursor(const std::uint8_t *data, std::size_t size, const Dialect &d, std::size_t start = 0)
        : data_(data), size_(size), header_size_(d.header_size), plain_length24_(d.plain_length24), pos_(start)
    {
    }
    bool at_end() const { return pos_ >= size_; }
    std::size_t position() const { return pos_; }
    const std::uint8_t *payload(const FrameStep &s) const { return data_ + s.payload_offset(); }
    FrameStep next();

private:
    const std::uint8_t *data_;
    std::size_t size_;
    unsigned header_size_;
    bool plain_length24_ = false;
    std::size_t pos_;
};

}  // namespace funxmpp
