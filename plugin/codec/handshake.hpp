// SPDX-License-Identifier: GPL-2.0-or-later
// The successor's handshake messages (SUCCESSOR 2.2): the protobuf HandshakeMessage holding a
// ClientHello (field 2), ServerHello (3) or ClientFinish (4), read into plain data with every
// field's offsets (for the tree) and what is wrong with it, and written (for the generator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "codec/protobuf.hpp"

namespace funxmpp::noise {

enum class HandshakeKind : std::uint8_t { None = 0, ClientHello = 2, ServerHello = 3, ClientFinish = 4 };
const char *handshake_kind_name(HandshakeKind k);  // "ClientHello", ...; "handshake message" for None

enum class FieldValue : std::uint8_t { Bytes, Bool, Enum };

// A field the spec names: its number in its sub-message, its name as DESIGN 2.5 spells it
// after "funxmpp.noise.<message>." (ephemeral, static, payload, use_extended, ...), the kind of
// value, the size a key must have (0: any), and whether it belongs to the post-quantum or
// extended handshakes (whose key schedule differs: worth a warning).
struct FieldInfo {
    std::uint32_t number;
    const char *name;
    const char *label;  // for people: "Ephemeral key", "Static key (encrypted)", ...
    FieldValue value;
    std::uint32_t expected_size;
    bool extended;
};
// nullptr for a field number the spec does not name in that message.
const FieldInfo *field_info(HandshakeKind kind, std::uint32_t number);

// One field of the sub-message. Offsets are from the start of the parsed bytes (the frame).
struct HandshakeItem {
    const FieldInfo *info;           // nullptr: unknown field
    protobuf::Field field;
    bool wrong_wire_type;            // e.g. a varint where bytes are due: shown, not used
    bool wrong_size;                 // a key of another size than expected_size
};

constexpr std::size_t kMaxHandshakeItems = 24;

struct HandshakeMessage {
    HandshakeKind kind = HandshakeKind::None;
    protobuf::Field body{};          // the sub-message field of the HandshakeMessage
    HandshakeItem items[kMaxHandshakeItems]{};
    std::size_t count = 0;
    bool too_many_fields = false;    // more than kMaxHandshakeItems (the rest not listed)
    bool several_kinds = false;      // more than one of fields 2, 3, 4
    std::size_t unknown_outer = 0;   // other fields of the HandshakeMessage
    protobuf::Error error = protobuf::Error::None;  // first malformed field, outer or inner
    std::size_t error_offset = 0;

    const HandshakeItem *find(std::uint32_t number) const;  // the first item with that number
    bool ok() const { return kind != HandshakeKind::None && error == protobuf::Error::None; }
};
// Plain data: kept in a dissector's per-packet scratch memory, never destroyed.
static_assert(std::is_trivially_destructible_v<HandshakeMessage>);

// Parses a handshake frame's payload. Never fails: what is wrong is in the result. A field 2,
// 3 or 4 that is not length-delimited is no sub-message: it counts in unknown_outer. With
// several sub-messages the first is parsed. Items before a protobuf error are kept.
HandshakeMessage parse_handshake(const std::uint8_t *data, std::size_t size);

// XX: ClientHello holds only an ephemeral key; IK: it also carries a static key or a payload.
// XXfallback: an IK ClientHello that the server answered with a ServerHello carrying a static key.
enum class Pattern : std::uint8_t { Unknown, XX, IK, XXfallback };
const char *pattern_name(Pattern p);  // "XX", "IK", "XXfallback", "unknown"
Pattern pattern_of(const HandshakeMessage &client_hello);
Pattern pattern_after_server_hello(Pattern from_client_hello, const HandshakeMessage &server_hello);

// Writers (generator, tests): a HandshakeMessage with the one sub-message; empty fields left out.
std::string encode_client_hello(std::string_view ephemeral, std::string_view static_key = {},
                                std::string_view payload = {});
std::string encode_server_hello(std::string_view ephemeral, std::string_view static_key, std::string_view payload);
std::string encode_client_finish(std::string_view static_key, std::string_view payload);

}  // namespace funxmpp::noise
