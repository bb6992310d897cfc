// SPDX-License-Identifier: GPL-2.0-or-later
// The end-to-end layer's envelopes (DESIGN 2.8): msg, pkmsg and skmsg read without keys, each
// field at its bytes, and every fault found where it is.
#include <gtest/gtest.h>

#include <string>

#include "codec/signal_envelope.hpp"

using namespace funxmpp::e2e;

namespace {

const std::string kRatchet = "\x05" + std::string(32, '\x11'), kBase = "\x05" + std::string(32, '\x22'),
                  kIdentity = "\x05" + std::string(32, '\x33'), kMac = std::string(8, '\x44'),
                  kSignature = std::string(64, '\x55'), kCiphertext = std::string(48, '\x66');

Envelope parse(EnvelopeType t, const std::string &bytes)
{
    return parse_envelope(t, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
}

std::string at(const std::string &bytes, const Span &s) { return bytes.substr(s.offset, s.length); }

TEST(SignalEnvelope, TypeAttribute)
{
    EnvelopeType t{};
    EXPECT_TRUE(envelope_type_of("pkmsg", t));
    EXPECT_EQ(t, EnvelopeType::PreKeyMsg);
    EXPECT_STREQ(envelope_type_name(t), "pkmsg");
    EXPECT_TRUE(envelope_type_of("skmsg", t));
    EXPECT_EQ(t, EnvelopeType::SenderKeyMsg);
    EXPECT_FALSE(envelope_type_of("frskmsg", t));
    EXPECT_FALSE(envelope_type_of("", t));
}

TEST(SignalEnvelope, Msg)
{
    const std::string bytes = encode_msg(kRatchet, 7, 3, kCiphertext, kMac);
    const Envelope e = parse(EnvelopeType::Msg, bytes);
    ASSERT_TRUE(e.ok()) << describe_fault(e);
    EXPECT_EQ(e.version, 0x33);
    EXPECT_EQ(at(bytes, e.ratchet_key), kRatchet);
    EXPECT_EQ(e.counter.value, 7u);
    EXPECT_EQ(e.previous_counter.value, 3u);
    EXPECT_EQ(at(bytes, e.ciphertext), kCiphertext);
    EXPECT_EQ(at(bytes, e.mac), kMac);
    EXPECT_EQ(e.mac.offset + e.mac.length, bytes.size());
    EXPECT_EQ(e.counter.offset, 1 + 2 + kRatchet.size());  // the field's tag, after the ratchet key's
    EXPECT_EQ(e.counter.length, 2u);
}

TEST(SignalEnvelope, PreKeyMsgCarriesAMsg)
{
    const std::string msg = encode_msg(kRatchet, 0, 0, kCiphertext, kMac);
    const std::string bytes = encode_pkmsg(1234, 56, 78, kBase, kIdentity, msg);
    const Envelope e = parse(EnvelopeType::PreKeyMsg, bytes);
    ASSERT_TRUE(e.ok()) << describe_fault(e);
    EXPECT_EQ(e.registration_id.value, 1234u);
    EXPECT_EQ(e.prekey_id.value, 56u);
    EXPECT_EQ(e.signed_prekey_id.value, 78u);
    EXPECT_EQ(at(bytes, e.base_key), kBase);
    EXPECT_EQ(at(bytes, e.identity_key), kIdentity);
    EXPECT_EQ(at(bytes, e.inner), msg);
    // The inner msg's fields, at their offsets in the whole envelope.
    EXPECT_EQ(at(bytes, e.ratchet_key), kRatchet);
    EXPECT_EQ(at(bytes, e.ciphertext), kCiphertext);
    EXPECT_EQ(at(bytes, e.mac), kMac);
    EXPECT_TRUE(e.counter.present);
    EXPECT_EQ(e.counter.value, 0u);
}

TEST(SignalEnvelope, SenderKeyMsg)
{
    const std::string bytes = encode_skmsg(99, 12, kCiphertext, kSignature);
    const Envelope e = parse(EnvelopeType::SenderKeyMsg, bytes);
    ASSERT_TRUE(e.ok()) << describe_fault(e);
    EXPECT_EQ(e.sender_key_id.value, 99u);
    EXPECT_EQ(e.iteration.value, 12u);
    EXPECT_EQ(at(bytes, e.ciphertext), kCiphertext);
    EXPECT_EQ(at(bytes, e.signature), kSignature);
}

TEST(SignalEnvelope, Faults)
{
    EXPECT_EQ(parse(EnvelopeType::Msg, "").fault, EnvelopeFault::Empty);
    std::string v2 = encode_msg(kRatchet, 1, 0, kCiphertext, kMac);
    v2[0] = 0x22;
    EXPECT_EQ(parse(EnvelopeType::Msg, v2).fault, EnvelopeFault::UnknownVersion);
    EXPECT_EQ(parse(EnvelopeType::Msg, "\x33" + std::string(5, '\0')).fault, EnvelopeFault::TooShort);
    EXPECT_EQ(parse(EnvelopeType::SenderKeyMsg, "\x33" + std::string(63, '\0')).fault,
              EnvelopeFault::TooShort);  // no room for a 64-byte signature

    // A length beyond the end: the fault is at the field's tag.
    std::string cut = encode_msg(kRatchet, 1, 0, kCiphertext, kMac);
    cut.erase(cut.size() - kMac.size() - 10, 10);
    Envelope e = parse(EnvelopeType::Msg, cut);
    EXPECT_EQ(e.fault, EnvelopeFault::Protobuf);
    EXPECT_EQ(e.fault_offset, 1 + 2 + kRatchet.size() + 2 + 2);  // the ciphertext's tag
    EXPECT_EQ(describe_fault(e).find("the protobuf part does not parse"), 0u);
    EXPECT_TRUE(e.ratchet_key.present);  // what came before the fault stays

    e = parse(EnvelopeType::Msg, encode_msg(kRatchet.substr(0, 32), 1, 0, kCiphertext, kMac));
    EXPECT_EQ(e.fault, EnvelopeFault::KeyLength);
    EXPECT_EQ(e.fault_offset, 3u);
    EXPECT_EQ(describe_fault(e), "a public key that is not 33 bytes starting 0x05 (ratchet key)");

    std::string no_ciphertext(1, '\x33');
    no_ciphertext += "\x0a\x21" + kRatchet + "\x10\x01" + kMac;
    e = parse(EnvelopeType::Msg, no_ciphertext);
    EXPECT_EQ(e.fault, EnvelopeFault::MissingField);
    EXPECT_STREQ(e.missing, "ciphertext");

    // A pkmsg whose inner msg is broken: said, at the inner fault's offset in the whole envelope.
    std::string inner = encode_msg(kRatchet, 1, 0, kCiphertext, kMac);
    inner[0] = 0x31;
    const std::string bytes = encode_pkmsg(1, 2, 3, kBase, kIdentity, inner);
    e = parse(EnvelopeType::PreKeyMsg, bytes);
    EXPECT_EQ(e.fault, EnvelopeFault::Inner);
    EXPECT_EQ(e.inner_fault, EnvelopeFault::UnknownVersion);
    EXPECT_EQ(static_cast<unsigned char>(bytes[e.fault_offset]), 0x31);
    EXPECT_EQ(describe_fault(e), "its inner msg envelope: the version byte is not 0x33 (Signal protocol version 3)");

    e = parse(EnvelopeType::PreKeyMsg, encode_pkmsg(1, 2, 3, kBase, kIdentity, "") .substr(0, 3 + 2 + 33));
    EXPECT_FALSE(e.ok());
}

// Whatever the bytes, the parser returns (no read beyond the end: the sanitizer build checks).
TEST(SignalEnvelope, EveryPrefixOfEachType)
{
    const std::string whole[3] = {encode_msg(kRatchet, 300, 299, kCiphertext, kMac),
                                  encode_pkmsg(70000, 1, 2, kBase, kIdentity, encode_msg(kRatchet, 1, 0, kCiphertext, kMac)),
                                  encode_skmsg(5, 6, kCiphertext, kSignature)};
    const EnvelopeType types[3] = {EnvelopeType::Msg, EnvelopeType::PreKeyMsg, EnvelopeType::SenderKeyMsg};
    for (int t = 0; t < 3; ++t)
        for (std::size_t n = 0; n < whole[t].size(); ++n) {
            const std::string prefix = whole[t].substr(0, n);
            const Envelope e = parse(types[t], prefix);
            EXPECT_FALSE(e.ok() && t != 0) << t << " " << n;  // only a msg can look whole when cut (MAC taken from the end)
            EXPECT_LE(e.fault_offset, n);
        }
}

}  // namespace
