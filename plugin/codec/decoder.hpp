// SPDX-License-Identifier: GPL-2.0-or-later
// SAX-style decoder of one FunXMPP node (spec section 3). It emits events to a handler, each
// carrying the byte offset and length that encoded it and how it was encoded, so that a
// consumer (XML writer, tree builder, Wireshark tree) never re-parses anything. Errors carry
// the offset and a reason. Time is linear in the input; nothing is allocated by the decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/version.hpp"

namespace funxmpp {

// How a string slot was encoded on the wire (spec 3.2).
enum class Encoding : std::uint8_t {
    Null,            // 0x00
    StreamStart,     // 0x01 in tag position
    StreamEnd,       // 0x02 in tag position
    Token,           // primary token byte
    SecondaryToken,  // 0xEC b (1.4/1.5) or 0xEC..0xEF b (1.6)
    ExtendedToken,   // 0xFE b (1.0-1.2)
    Binary8,         // 0xFC
    Binary24,        // 0xFD up to 1.5
    Binary20,        // 0xFD in 1.6
    Binary32,        // 0xFE in 1.6
    Nibble,          // 0xFF
    Hex,             // 0xFB
    Jid,             // 0xFA user server
    // The successor's (MD) JID forms (SUCCESSOR 1.5) and the server an AD_JID implies.
    AdJid,           // 0xF7 domain device user
    FbJid,           // 0xF6 user device(u16) server
    InteropJid,      // 0xF5 user device(u16) integrator(u16) server
    Implied,         // no bytes: the server named by an AD_JID's domain byte
};

const char *encoding_name(Encoding e);

// One encoded string. `bytes` points into the decoded buffer (binary, tokens' table text)
// or into the decoder's scratch space (packed strings): valid only during the event.
// Raw bytes with a length prefix (binary8/20/24/32): the only content whose bytes are its value.
inline bool is_binary(Encoding e)
{
    return e == Encoding::Binary8 || e == Encoding::Binary20 || e == Encoding::Binary24 || e == Encoding::Binary32;
}

struct StringValue {
    Encoding encoding = Encoding::Null;
    std::uint32_t offset = 0;   // of the lead byte, relative to the decoded buffer
    std::uint32_t length = 0;   // bytes that encoded it, lead byte included
    std::uint8_t lead = 0;      // the lead byte
    std::uint8_t page = 0;      // secondary tokens: page k (lead 0xEC + k)
    std::uint16_t index = 0;    // tokens: index into the table (primary byte, or byte in page)
    std::string_view bytes;     // decoded content (empty for Null, StreamStart, StreamEnd, Jid)
    // Binary content (is_binary): where its bytes start, after the length prefix.
    std::uint32_t content_offset() const { return offset + length - static_cast<std::uint32_t>(bytes.size()); }
};

// A string slot's value: a plain string, or a JID made of two strings (and, in the MD forms,
// numbers).
struct Value {
    StringValue str;            // for a JID: encoding Jid/AdJid/FbJid/InteropJid, offset/length of all of it
    StringValue user, server;   // JID parts (user.encoding Null = no user part)
    std::uint16_t device = 0;      // AD_JID, FB_JID, INTEROP_JID
    std::uint16_t integrator = 0;  // INTEROP_JID
    std::uint8_t agent = 0;        // AD_JID: a domain byte that names no server (0 otherwise)

    bool is_jid() const
    {
        return str.encoding == Encoding::Jid || str.encoding == Encoding::AdJid || str.encoding == Encoding::FbJid ||
               str.encoding == Encoding::InteropJid;
    }
    // The text a user reads: bytes, or the JID's text form (jid_pieces).
    std::string text() const;
};

// The pieces of a JID's text form, in order: `emit(piece, is_part)`, is_part for the user
// and server strings, false for separators and numbers (DESIGN 2.2, 2.7):
//   JID_PAIR     user@server, or server alone when the user is null
//   AD_JID       user[.agent][:device]@server (":device" left out when 0)
//   FB_JID       user:device@server
//   INTEROP_JID  integrator-user:device@server
template <class Emit> void jid_pieces(const Value &v, Emit emit)
{
    char number[8];
    auto num = [&](unsigned n) {
        char *end = number + sizeof number, *p = end;
        do
            *--p = static_cast<char>('0' + n % 10);
        while ((n /= 10) != 0);
        emit(std::string_view(p, static_cast<std::size_t>(end - p)), false);
    };
    if (v.str.encoding == Encoding::InteropJid) {
        num(v.integrator);
        emit("-", false);
    }
    if (v.user.encoding != Encoding::Null || v.str.encoding != Encoding::Jid) {
        emit(v.user.bytes, true);
        if (v.str.encoding == Encoding::AdJid && v.agent != 0) {
            emit(".", false);
            num(v.agent);
        }
        if (v.str.encoding != Encoding::Jid && (v.device != 0 || v.str.encoding != Encoding::AdJid)) {
            emit(":", false);
            num(v.device);
        }
        emit("@", false);
    }
    emit(v.server.bytes, true);
}

struct NodeBegin {
    std::uint32_t offset = 0;         // of the node's list header
    std::uint32_t header_length = 0;  // bytes of the list header (1, 2 or 3)
    std::uint32_t list_size = 0;      // N
    std::uint32_t attribute_count = 0;
    bool has_content = false;         // N even
    unsigned depth = 0;               // 0 for the top-level stanza
    Value tag;
};

// Handlers have no virtual destructor on purpose: one that holds only trivially
// destructible state may call Wireshark's API, whose errors longjmp over the decoder.
class DecodeHandler {
public:
    virtual void node_begin(const NodeBegin &) {}
    virtual void attribute(const Value & /*key*/, const Value & /*value*/) {}
    // The content is a list of `count` children; the list header spans [offset, offset+length).
    virtual void children_begin(std::uint32_t /*offset*/, std::uint32_t /*length*/, std::uint32_t /*count*/) {}
    virtual void data(const Value &) {}
    // `end` = offset just past the node's last byte.
    virtual void node_end(std::uint32_t /*end*/) {}

protected:
    ~DecodeHandler() = default;
};

// A handler that ignores every event (to validate bytes without output).
class NullHandler final : public DecodeHandler {};

enum class DecodeErrorKind : std::uint8_t {
    None,
    Truncated,         // the data ends inside a node
    EmptyNode,         // list size 0 where a node was expected
    InvalidLeadByte,   // a byte that starts nothing in this position for this version
    UnknownToken,      // a token byte/index with no entry in this version's dictionary
    InvalidNibble,     // packed string with a nibble outside its alphabet, or bad length
    NullTag,           // a node whose tag is the null string
    NestedJid,         // a JID pair inside a JID pair
    DepthLimit,        // nesting deeper than the limit
    TrailingBytes,     // bytes left in the frame after its node
};

const char *error_kind_name(DecodeErrorKind kind);

struct DecodeError {
    DecodeErrorKind kind = DecodeErrorKind::None;
    std::uint32_t offset = 0;   // where the problem was found, relative to the decoded buffer
    std::uint32_t detail = 0;   // the offending byte / index / depth, when there is one

    std::string message() const;  // e.g. "unknown token 0xf5 for WA 1.5"
    Version version{};
};

constexpr unsigned kDefaultMaxDepth = 128;  // real stanzas nest fewer than 10 levels

struct DecodeLimits {
    unsigned max_depth = kDefaultMaxDepth;
};

struct DecodeResult {
    DecodeError error;          // kind None on success
    bool keep_alive = false;    // the payload was the single byte 0x00
    bool ok() const { return error.kind == DecodeErrorKind::None; }
};

// Decodes a frame payload: exactly one node (or the keep-alive byte) filling `size` bytes.
DecodeResult decode_payload(const Dialect &dialect, const std::uint8_t *data, std::size_t size,
                            DecodeHandler &handler, const DecodeLimits &limits = {});

// The tag of a stanza's top-level node, without decoding the rest (which may still be
// malformed): for a quick look at what a frame is. Empty for a keep-alive, a stream start or
// end, or a tag that does not decode.
std::string top_level_tag(const Dialect &dialect, const std::uint8_t *data, std::size_t size);

}  // namespace funxmpp
