// SPDX-License-Identifier: GPL-2.0-or-later
// A protobuf message read with the Message schema (proto_schema.hpp, DESIGN 2.8):
//  - as JSON equal, as a JSON value, to what protobuf.js's toJSON() prints for it (Baileys'
//    proto.Message.toJSON()): field names as in WAProto.proto, fields in the schema's order,
//    only those on the wire, repeated ones as arrays (packed or not), of a singular field given
//    twice the last (a message too, as protobuf.js's decoder replaces it), bytes in base64, 64-bit integers as strings, enums by name (by number where
//    the schema has no name), floats as numbers ("NaN", "Infinity" as strings); fields the
//    schema does not know are left out (and counted);
//  - as display items in wire order, with offsets, for the tree;
//  - with the texts people read: conversation, an extended text, a caption (not a quoted one's).
// Bounded: nesting beyond kMaxProtoDepth stops there (said); never reads past the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/proto_schema.hpp"
#include "codec/protobuf.hpp"

namespace funxmpp::e2e {

constexpr unsigned kMaxProtoDepth = 32;
constexpr std::size_t kMaxProtoItems = 4096;  // display items kept of one Message (the JSON has all)

struct ProtoItem {
    unsigned depth = 0;                  // 0: a field of the top message
    std::size_t offset = 0, length = 0;  // the whole field, tag included
    std::size_t value_offset = 0, value_length = 0;  // a length-delimited value's bytes
    std::string name;                    // the schema's name (empty for an unknown field)
    std::string label;                   // "name: value", "name" for a message, or what is unknown
    bool message = false;                // the items after it, one deeper, are its fields
    int message_type = -1;               // a message: its index in the schema's messages
    std::uint64_t scalar = 0;            // a varint or fixed-width value, as on the wire
    bool unknown = false;                // a field number the schema does not name
    bool mismatch = false;               // a wire type that does not fit the schema's type
};

struct DecodedMessage {
    std::string json;
    std::vector<ProtoItem> items;
    std::vector<std::string> texts;
    std::size_t unknown_fields = 0;
    std::size_t items_not_kept = 0;  // beyond kMaxProtoItems
    bool too_deep = false;
    bool misread = false;  // a wire type, or a packed run, that does not fit the schema: protobuf.js
                           // would throw or read it otherwise, so no JSON is given
    protobuf::Error error = protobuf::Error::None;  // the first malformed part, and where
    std::size_t error_offset = 0;
    bool ok() const { return error == protobuf::Error::None && !too_deep && !misread; }
};

// `with_json` false: items and texts only (json stays empty).
DecodedMessage decode_message(const ProtoSchema &schema, int message_index, const std::uint8_t *data, std::size_t size,
                              bool with_json = true);

}  // namespace funxmpp::e2e
