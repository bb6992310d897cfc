// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/signal_envelope.hpp"

namespace funxmpp::e2e {

namespace {

using protobuf::number_of;
using protobuf::span_of;
using protobuf::walk;
using protobuf::WireType;

bool fail(Envelope &e, EnvelopeFault fault, std::size_t at, const char *field = nullptr)
{
    e.fault = fault;
    e.fault_offset = at;
    e.missing = field;
    return false;
}

// The version byte, then the protobuf part of data[base, base + size) up to `trailer` bytes
// from its end; each(field) picks the fields out. False (with the fault set) if any of it fails.
template <class Each>
bool read_body(Envelope &e, const std::uint8_t *data, std::size_t base, std::size_t size, std::size_t trailer, Each each)
{
    if (size == 0)
        return fail(e, EnvelopeFault::Empty, base);
    e.version = data[base];
    if (e.version != kEnvelopeVersion)
        return fail(e, EnvelopeFault::UnknownVersion, base);
    if (size < 1 + trailer)
        return fail(e, EnvelopeFault::TooShort, base);
    std::size_t error_offset = 0;
    walk(data, base + 1, size - 1 - trailer, e.protobuf_error, error_offset, each);
    if (e.protobuf_error != protobuf::Error::None)
        return fail(e, EnvelopeFault::Protobuf, error_offset);
    return true;
}

// A present public key must be 33 bytes, the first 0x05 (Curve25519).
bool check_key(Envelope &e, const std::uint8_t *data, const Span &key, const char *name, std::size_t at)
{
    if (!key.present)
        return fail(e, EnvelopeFault::MissingField, at, name);
    if (key.length != kPublicKeyLength || data[key.offset] != 0x05)
        return fail(e, EnvelopeFault::KeyLength, key.offset, name);
    return true;
}

// A msg envelope at data[base, base + size): into e's msg fields.
bool read_msg(Envelope &e, const std::uint8_t *data, std::size_t base, std::size_t size)
{
    const bool body = read_body(e, data, base, size, kMacLength, [&](const protobuf::Field &f) {
        const bool len = f.wire == WireType::Len, varint = f.wire == WireType::Varint;
        switch (f.number) {
        case 1: if (len) e.ratchet_key = span_of(f); break;
        case 2: if (varint) e.counter = number_of(f); break;
        case 3: if (varint) e.previous_counter = number_of(f); break;
        case 4: if (len) e.ciphertext = span_of(f); break;
        default: break;
        }
    });
    if (!body)
        return false;
    e.mac = Span{true, base + size - kMacLength, kMacLength};
    const std::size_t end = base + size - kMacLength;
    if (!check_key(e, data, e.ratchet_key, "ratchet key", end))
        return false;
    if (!e.counter.present)
        return fail(e, EnvelopeFault::MissingField, end, "counter");
    if (!e.ciphertext.present)
        return fail(e, EnvelopeFault::MissingField, end, "ciphertext");
    return true;
}

bool read_pkmsg(Envelope &e, const std::uint8_t *data, std::size_t size)
{
    const bool body = read_body(e, data, 0, size, 0, [&](const protobuf::Field &f) {
        const bool len = f.wire == WireType::Len, varint = f.wire == WireType::Varint;
        switch (f.number) {
        case 1: if (varint) e.prekey_id = number_of(f); break;
        case 2: if (len) e.base_key = span_of(f); break;
        case 3: if (len) e.identity_key = span_of(f); break;
        case 4: if (len) e.inner = span_of(f); break;
        case 5: if (varint) e.registration_id = number_of(f); break;
        case 6: if (varint) e.signed_prekey_id = number_of(f); break;
        default: break;
        }
    });
    if (!body)
        return false;
    if (!e.signed_prekey_id.present)
        return fail(e, EnvelopeFault::MissingField, size, "signed prekey id");
    if (!check_key(e, data, e.base_key, "base key", size) || !check_key(e, data, e.identity_key, "identity key", size))
        return false;
    if (!e.inner.present)
        return fail(e, EnvelopeFault::MissingField, size, "message");
    Envelope inner;
    if (read_msg(inner, data, e.inner.offset, e.inner.length)) {
        e.ratchet_key = inner.ratchet_key, e.counter = inner.counter, e.previous_counter = inner.previous_counter;
        e.ciphertext = inner.ciphertext, e.mac = inner.mac;
        return true;
    }
    e.inner_fault = inner.fault;
    e.protobuf_error = inner.protobuf_error;
    // What the inner envelope showed before its fault is still worth showing.
    e.ratchet_key = inner.ratchet_key, e.counter = inner.counter, e.previous_counter = inner.previous_counter;
    e.ciphertext = inner.ciphertext;
    return fail(e, EnvelopeFault::Inner, inner.fault_offset, inner.missing);
}

bool read_skmsg(Envelope &e, const std::uint8_t *data, std::size_t size)
{
    const bool body = read_body(e, data, 0, size, kSignatureLength, [&](const protobuf::Field &f) {
        const bool len = f.wire == WireType::Len, varint = f.wire == WireType::Varint;
        switch (f.number) {
        case 1: if (varint) e.sender_key_id = number_of(f); break;
        case 2: if (varint) e.iteration = number_of(f); break;
        case 3: if (len) e.ciphertext = span_of(f); break;
        default: break;
        }
    });
    if (!body)
        return false;
    e.signature = Span{true, size - kSignatureLength, kSignatureLength};
    const std::size_t end = size - kSignatureLength;
    if (!e.sender_key_id.present)
        return fail(e, EnvelopeFault::MissingField, end, "key id");
    if (!e.iteration.present)
        return fail(e, EnvelopeFault::MissingField, end, "iteration");
    if (!e.ciphertext.present)
        return fail(e, EnvelopeFault::MissingField, end, "ciphertext");
    return true;
}

const char *fault_text(EnvelopeFault f)
{
    switch (f) {
    case EnvelopeFault::None: return "no fault";
    case EnvelopeFault::Empty: return "no bytes";
    case EnvelopeFault::UnknownVersion: return "the version byte is not 0x33 (Signal protocol version 3)";
    case EnvelopeFault::TooShort: return "too short for the version byte and the MAC or signature";
    case EnvelopeFault::Protobuf: return "the protobuf part does not parse";
    case EnvelopeFault::MissingField: return "a field it needs is not there";
    case EnvelopeFault::KeyLength: return "a public key that is not 33 bytes starting 0x05";
    case EnvelopeFault::Inner: return "its inner msg envelope";
    }
    return "?";
}

}  // namespace

bool envelope_type_of(std::string_view attribute, EnvelopeType &out)
{
    if (attribute == "msg")
        out = EnvelopeType::Msg;
    else if (attribute == "pkmsg")
        out = EnvelopeType::PreKeyMsg;
    else if (attribute == "skmsg")
        out = EnvelopeType::SenderKeyMsg;
    else
        return false;
    return true;
}

const char *envelope_type_name(EnvelopeType t)
{
    switch (t) {
    case EnvelopeType::Msg: return "msg";
    case EnvelopeType::PreKeyMsg: return "pkmsg";
    case EnvelopeType::SenderKeyMsg: return "skmsg";
    }
    return "?";
}

Envelope parse_envelope(EnvelopeType type, const std::uint8_t *data, std::size_t size)
{
    Envelope e;
    e.type = type;
    switch (type) {
    case EnvelopeType::Msg: read_msg(e, data, 0, size); break;
    case EnvelopeType::PreKeyMsg: read_pkmsg(e, data, size); break;
    case EnvelopeType::SenderKeyMsg: read_skmsg(e, data, size); break;
    }
    return e;
}

std::string describe_fault(const Envelope &e)
{
    std::string out = fault_text(e.fault);
    const EnvelopeFault detail = e.fault == EnvelopeFault::Inner ? e.inner_fault : e.fault;
    if (e.fault == EnvelopeFault::Inner)
        out += std::string(": ") + fault_text(detail);
    if (detail == EnvelopeFault::Protobuf)
        out += std::string(": ") + protobuf::error_text(e.protobuf_error);
    if ((detail == EnvelopeFault::MissingField || detail == EnvelopeFault::KeyLength) && e.missing != nullptr)
        out += std::string(" (") + e.missing + ")";
    return out;
}

std::string encode_msg(std::string_view ratchet_key, std::uint32_t counter, std::uint32_t previous_counter,
                       std::string_view ciphertext, std::string_view mac)
{
    std::string out(1, static_cast<char>(kEnvelopeVersion));
    protobuf::put_bytes(out, 1, ratchet_key);
    protobuf::put_uint(out, 2, counter);
    protobuf::put_uint(out, 3, previous_counter);
    protobuf::put_bytes(out, 4, ciphertext);
    return out.append(mac);
}

std::string encode_pkmsg(std::uint32_t registration_id, std::uint32_t prekey_id, std::uint32_t signed_prekey_id,
                         std::string_view base_key, std::string_view identity_key, std::string_view msg)
{
    std::string out(1, static_cast<char>(kEnvelopeVersion));
    protobuf::put_uint(out, 1, prekey_id);
    protobuf::put_bytes(out, 2, base_key);
    protobuf::put_bytes(out, 3, identity_key);
    protobuf::put_bytes(out, 4, msg);
    protobuf::put_uint(out, 5, registration_id);
    protobuf::put_uint(out, 6, signed_prekey_id);
    return out;
}

std::string encode_skmsg(std::uint32_t key_id, std::uint32_t iteration, std::string_view ciphertext,
                         std::string_view signature)
{
    std::string out(1, static_cast<char>(kEnvelopeVersion));
    protobuf::put_uint(out, 1, key_id);
    protobuf::put_uint(out, 2, iteration);
    protobuf::put_bytes(out, 3, ciphertext);
    return out.append(signature);
}

}  // namespace funxmpp::e2e
