// SPDX-License-Identifier: GPL-2.0-or-later
// WhatsApp's Message protobuf as data (DESIGN 2.8): the names and numbers of WAProto.proto,
// kept in tokens/waproto.txt (tools/waproto/waproto-table.mjs makes it from a WAProto.proto),
// built into the codec as text and read into tables once, on first use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace funxmpp::e2e {

enum class ProtoKind : std::uint8_t {
    Double, Float, Int32, Int64, Uint32, Uint64, Sint32, Sint64, Fixed32, Fixed64, Sfixed32, Sfixed64,
    Bool, String, Bytes, Message, Enum,
};

struct ProtoField {
    std::uint32_t number = 0;
    std::string name;
    ProtoKind kind = ProtoKind::Bytes;
    bool repeated = false;
    int target = -1;  // Message: index in messages; Enum: index in enums
};
struct ProtoMessage {
    std::string name;
    std::vector<ProtoField> fields;  // by number
    const ProtoField *field(std::uint32_t number) const;
};
struct ProtoEnum {
    std::string name;
    std::vector<std::pair<std::int32_t, std::string>> values;
    const char *name_of(std::int32_t number) const;  // nullptr if the table has no such value
};

struct ProtoSchema {
    std::vector<ProtoMessage> messages;
    std::vector<ProtoEnum> enums;
    int message_index(std::string_view name) const;  // -1 if none
};

// Reads the line format of tokens/waproto.txt; throws std::runtime_error with the line number.
ProtoSchema parse_proto_schema(std::string_view text);
// The schema built into the codec (tokens/waproto.txt), read on first use.
const ProtoSchema &waproto_schema();

}  // namespace funxmpp::e2e
