// SPDX-License-Identifier: GPL-2.0-or-later
// The end-to-end layer's envelopes (DESIGN 2.8): the content of an <enc type="msg|pkmsg|skmsg">
// node, read into plain data with offsets for display, without any key. Each starts with a
// version byte (0x33: Signal protocol version 3), then a protobuf:
//   msg    WhisperMessage { 1 ratchet key (33 bytes), 2 counter, 3 previous counter, 4 ciphertext },
//          then an 8-byte MAC;
//   pkmsg  PreKeyWhisperMessage { 5 registration id, 1 prekey id, 6 signed prekey id, 2 base key,
//          3 identity key, 4 message (a whole msg envelope) }, no MAC of its own;
//   skmsg  SenderKeyMessage { 1 key id, 2 iteration, 3 ciphertext }, then a 64-byte signature.
// Parsing stops at the first fault, with its offset and reason; what was read before it stays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/protobuf.hpp"

namespace funxmpp::e2e {

using protobuf::Number;
using protobuf::Span;

enum class EnvelopeType : std::uint8_t { Msg, PreKeyMsg, SenderKeyMsg };
// The type attribute's value ("msg", "pkmsg", "skmsg"); false for any other.
bool envelope_type_of(std::string_view attribute, EnvelopeType &out);
const char *envelope_type_name(EnvelopeType t);

// Whether an element's tag and attributes make its content an end-to-end payload: an envelope
// in an <enc> whose type is msg, pkmsg or skmsg and whose v, if any, is 2 (v="1" was the
// TextSecure version 2 of 2015), or a Message in the clear in a <plaintext> (channels).
struct EnvelopeNode {
    bool enc = false, old_version = false, typed = false, plaintext = false;
    EnvelopeType type = EnvelopeType::Msg;
    EnvelopeNode() = default;
    explicit EnvelopeNode(std::string_view tag) : enc(tag == "enc"), plaintext(tag == "plaintext") {}
    void attribute(std::string_view key, std::string_view value)
    {
        if (enc && key == "type")
            typed = envelope_type_of(value, type);
        else if (enc && key == "v")
            old_version = value != "2";
    }
    bool readable() const { return enc && typed && !old_version; }
};

constexpr std::uint8_t kEnvelopeVersion = 0x33;
constexpr std::size_t kMacLength = 8, kSignatureLength = 64, kPublicKeyLength = 33;

enum class EnvelopeFault : std::uint8_t {
    None,
    Empty,             // no bytes at all
    UnknownVersion,    // the version byte is not 0x33
    TooShort,          // not even the version byte and the MAC or signature
    Protobuf,          // the protobuf part does not parse (see protobuf_error)
    MissingField,      // a field every envelope of this type has is not there (see missing)
    KeyLength,         // a public key that is not 33 bytes starting 0x05 (see missing: which)
    Inner,             // pkmsg: the inner msg envelope has a fault (see inner_fault)
};

struct Envelope {
    EnvelopeType type = EnvelopeType::Msg;
    std::uint8_t version = 0;
    // msg, and the msg inside a pkmsg (its fields at their own offsets)
    Span ratchet_key, ciphertext, mac;
    Number counter, previous_counter;
    // pkmsg
    Number registration_id, prekey_id, signed_prekey_id;
    Span base_key, identity_key, inner;  // inner: the whole msg envelope
    // skmsg
    Number sender_key_id, iteration;
    Span signature;

    EnvelopeFault fault = EnvelopeFault::None;
    EnvelopeFault inner_fault = EnvelopeFault::None;
    protobuf::Error protobuf_error = protobuf::Error::None;
    std::size_t fault_offset = 0;  // where the fault is, from the envelope's first byte
    const char *missing = nullptr;  // MissingField, KeyLength: the field's name

    bool ok() const { return fault == EnvelopeFault::None; }
};

Envelope parse_envelope(EnvelopeType type, const std::uint8_t *data, std::size_t size);

// "the inner msg: the protobuf part: a length beyond the end" and the like, in `out`.
std::string describe_fault(const Envelope &e);

// Writers, for the generator and tests: whole envelopes with the given fields (MAC and
// signature as given, not computed).
std::string encode_msg(std::string_view ratchet_key, std::uint32_t counter, std::uint32_t previous_counter,
                       std::string_view ciphertext, std::string_view mac);
std::string encode_pkmsg(std::uint32_t registration_id, std::uint32_t prekey_id, std::uint32_t signed_prekey_id,
                         std::string_view base_key, std::string_view identity_key, std::string_view msg);
std::string encode_skmsg(std::uint32_t key_id, std::uint32_t iteration, std::string_view ciphertext,
                         std::string_view signature);

}  // namespace funxmpp::e2e
