// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/handshake.hpp"

namespace funxmpp::noise {

using protobuf::Field;
using protobuf::WireType;

namespace {

// SUCCESSOR 2.2. Keys: 32-byte X25519 publics in the clear, 48 bytes (key + GCM tag) once
// encrypted. The sizes of the extended fields are not known, so they are not checked.
constexpr FieldInfo kClientHello[] = {
    {1, "ephemeral", "Ephemeral key", FieldValue::Bytes, 32, false},
    {2, "static", "Static key (encrypted)", FieldValue::Bytes, 48, false},
    {3, "payload", "Payload (encrypted)", FieldValue::Bytes, 0, false},
    {4, "use_extended", "Use extended", FieldValue::Bool, 0, true},
    {5, "extended_ciphertext", "Extended ciphertext", FieldValue::Bytes, 0, true},
    {6, "padded_bytes", "Padded bytes", FieldValue::Bytes, 0, true},
    {7, "send_server_hello_padded_bytes", "Send ServerHello padded bytes", FieldValue::Bool, 0, true},
    {8, "simulate_xxkem_fs", "Simulate XXKEM_FS", FieldValue::Bool, 0, true},
    {9, "pq_mode", "Post-quantum mode", FieldValue::Enum, 0, true},
    {10, "extended_ephemeral", "Extended ephemeral key", FieldValue::Bytes, 0, true},
};
constexpr FieldInfo kServerHello[] = {
    {1, "ephemeral", "Ephemeral key", FieldValue::Bytes, 32, false},
    {2, "static", "Static key (encrypted)", FieldValue::Bytes, 48, false},
    {3, "payload", "Payload (encrypted)", FieldValue::Bytes, 0, false},
    {4, "extended_static", "Extended static key", FieldValue::Bytes, 0, true},
    {5, "padding_bytes", "Padding bytes", FieldValue::Bytes, 0, true},
    {6, "extended_ciphertext", "Extended ciphertext", FieldValue::Bytes, 0, true},
};
constexpr FieldInfo kClientFinish[] = {
    {1, "static", "Static key (encrypted)", FieldValue::Bytes, 48, false},
    {2, "payload", "Payload (encrypted)", FieldValue::Bytes, 0, false},
    {3, "extended_ciphertext", "Extended ciphertext", FieldValue::Bytes, 0, true},
    {4, "padded_bytes", "Padded bytes", FieldValue::Bytes, 0, true},
    {5, "simulate_xxkem_fs", "Simulate XXKEM_FS", FieldValue::Bool, 0, true},
};

template <std::size_t N> const FieldInfo *lookup(const FieldInfo (&table)[N], std::uint32_t number)
{
    // Each table is numbered 1..N without gaps.
    return number >= 1 && number <= N ? &table[number - 1] : nullptr;
}

// Whether the message holds field `number` as bytes (a varint there carries no key).
bool has_bytes(const HandshakeMessage &m, std::uint32_t number)
{
    const HandshakeItem *item = m.find(number);
    return item != nullptr && item->field.wire == WireType::Len;
}

void parse_body(HandshakeMessage &m, const std::uint8_t *data)
{
    const std::size_t base = m.body.value_offset;
    protobuf::Reader r(data + base, m.body.value_length);
    for (Field f; r.next(f);) {
        if (m.count == kMaxHandshakeItems) {
            m.too_many_fields = true;  // still walked: a malformed field later is reported
            continue;
        }
        f.offset += base;
        f.value_offset += base;
        HandshakeItem &item = m.items[m.count++];
        item.info = field_info(m.kind, f.number);
        item.field = f;
        if (item.info != nullptr) {
            const WireType due = item.info->value == FieldValue::Bytes ? WireType::Len : WireType::Varint;
            item.wrong_wire_type = f.wire != due;
            item.wrong_size = item.info->expected_size != 0 && f.wire == WireType::Len &&
                              f.value_length != item.info->expected_size;
        }
    }
    if (r.error() != protobuf::Error::None) {
        m.error = r.error();
        m.error_offset = base + r.error_offset();
    }
}

std::string wrap(HandshakeKind kind, const std::string &body)
{
    std::string out;
    protobuf::put_bytes(out, static_cast<std::uint32_t>(kind), body);
    return out;
}

void put_if(std::string &out, std::uint32_t number, std::string_view value)
{
    if (!value.empty())
        protobuf::put_bytes(out, number, value);
}

}  // namespace

const char *handshake_kind_name(HandshakeKind k)
{
    switch (k) {
    case HandshakeKind::None: return "handshake message";
    case HandshakeKind::ClientHello: return "ClientHello";
    case HandshakeKind::ServerHello: return "ServerHello";
    case HandshakeKind::ClientFinish: return "ClientFinish";
    }
    return "?";
}

const FieldInfo *field_info(HandshakeKind kind, std::uint32_t number)
{
    switch (kind) {
    case HandshakeKind::ClientHello: return lookup(kClientHello, number);
    case HandshakeKind::ServerHello: return lookup(kServerHello, number);
    case HandshakeKind::ClientFinish: return lookup(kClientFinish, number);
    case HandshakeKind::None: break;
    }
    return nullptr;
}

const HandshakeItem *HandshakeMessage::find(std::uint32_t number) const
{
    for (std::size_t i = 0; i < count; ++i)
        if (items[i].field.number == number)
            return &items[i];
    return nullptr;
}

HandshakeMessage parse_handshake(const std::uint8_t *data, std::size_t size)
{
    HandshakeMessage m;
    protobuf::Reader r(data, size);
    for (Field f; r.next(f);) {
        const bool sub_message = f.number >= 2 && f.number <= 4 && f.wire == WireType::Len;
        if (!sub_message) {
            ++m.unknown_outer;
        } else if (m.kind != HandshakeKind::None) {
            m.several_kinds = true;
        } else {
            // Parsed at once, so that an error inside it (which lies before anything the
            // outer walk finds later) is the one reported.
            m.kind = static_cast<HandshakeKind>(f.number);
            m.body = f;
            parse_body(m, data);
        }
    }
    if (r.error() != protobuf::Error::None && m.error == protobuf::Error::None) {
        m.error = r.error();
        m.error_offset = r.error_offset();
    }
    return m;
}

const char *pattern_name(Pattern p)
{
    switch (p) {
    case Pattern::Unknown: return "unknown";
    case Pattern::XX: return "XX";
    case Pattern::IK: return "IK";
    case Pattern::XXfallback: return "XXfallback";
    }
    return "?";
}

Pattern pattern_of(const HandshakeMessage &client_hello)
{
    if (client_hello.kind != HandshakeKind::ClientHello)
        return Pattern::Unknown;
    // IK sends the client's static key and a first payload already in the ClientHello.
    if (has_bytes(client_hello, 2) || has_bytes(client_hello, 3))
        return Pattern::IK;
    return has_bytes(client_hello, 1) ? Pattern::XX : Pattern::Unknown;
}

Pattern pattern_after_server_hello(Pattern from_client_hello, const HandshakeMessage &server_hello)
{
    // An IK server answers with e, ee, se only; a static key means it could not use the
    // client's guess of its key and fell back to XX.
    if (from_client_hello == Pattern::IK && server_hello.kind == HandshakeKind::ServerHello &&
        has_bytes(server_hello, 2))
        return Pattern::XXfallback;
    return from_client_hello;
}

std::string encode_client_hello(std::string_view ephemeral, std::string_view static_key, std::string_view payload)
{
    std::string body;
    put_if(body, 1, ephemeral);
    put_if(body, 2, static_key);
    put_if(body, 3, payload);
    return wrap(HandshakeKind::ClientHello, body);
}

std::string encode_server_hello(std::string_view ephemeral, std::string_view static_key, std::string_view payload)
{
    std::string body;
    put_if(body, 1, ephemeral);
    put_if(body, 2, static_key);
    put_if(body, 3, payload);
    return wrap(HandshakeKind::ServerHello, body);
}

std::string encode_client_finish(std::string_view static_key, std::string_view payload)
{
    std::string body;
    put_if(body, 1, static_key);
    put_if(body, 2, payload);
    return wrap(HandshakeKind::ClientFinish, body);
}

}  // namespace funxmpp::noise
