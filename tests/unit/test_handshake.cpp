// SPDX-License-Identifier: GPL-2.0-or-later
// The successor's handshake messages (codec/handshake.hpp): the three real messages of the
// spec's test vector (SUCCESSOR 2.6), the encoders that rebuild them byte for byte, what the
// parser reports for unknown, misplaced and malformed fields, the Noise pattern a ClientHello
// implies, and every prefix of the real messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/handshake.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::noise;
using funxmpp::test::hex;
using protobuf::Error;
using protobuf::WireType;
using namespace std::string_literals;

namespace {

// SUCCESSOR 2.6: the start of each stream, up to and including its handshake frames.
const char kClientStream[] =
    "5741060300002412220a20b470ad366b390120d4de0fb51689ba4be2f5afec4f3a069bb856f6afdec2d65c00005b22590a3012547d6c5c14"
    "bb75fd11b4a7ea03501165a5899acd4691d4fb5ec8bc0460fbc0538eab2b48e28973b500720e5dfe3dd81225eb15ca6252fb96973271e6"
    "1753d771f63a6fc5a3e3cdba454ff76bda6c122c7ec32cbc3586";
const char kServerStream[] =
    "00014a1ac7020a20748664a459a892040b0936b4eb5b7156a6de62924b545a160a0e28479d0e0907123078402c7d3528ea41ff98faffb3d2"
    "2fd8a167d075043c525b19ba19d3e3a970b8ce0384cc186bd99b98418386ea39fd8b1af00163cd2a14ae55d625baed577bbaf8228dc166"
    "2701a1aa3a7aaa4def687e52cefb6dfc27dccd2937730afba46367f6becfd5b7518b65eececed1874b85f22adc8328c8b94a3e7d8f098e"
    "0072d20268860b10e14a3146c20db33b6c6ccb3ae6fac1a6c9ca4f87dc0394baa13a4f7d672e91db18556ce260f6a51d4c5925c08b4499"
    "e1c6f7bff402903d6864f3ea93362cbba72d41473953da2378e331d983b0a622edc09deae00836b2a7aeb2f669d7a9cc981eae8e395c73"
    "a706b66a12b399ef1321fdbcfa69b15a45bdc1174de71432588bc5bb1075e61335b4bea0e341c5a99e3c1dce01a6b2c37e2773af5d8fd2"
    "24b2";
const char kClientEphemeral[] = "b470ad366b390120d4de0fb51689ba4be2f5afec4f3a069bb856f6afdec2d65c";
const char kServerEphemeral[] = "748664a459a892040b0936b4eb5b7156a6de62924b545a160a0e28479d0e0907";

using Bytes = std::vector<std::uint8_t>;

// The payloads of the whole frames (3-byte big-endian length + payload) from `start` on.
std::vector<Bytes> frames(const char *stream_hex, std::size_t start)
{
    const Bytes s = hex(stream_hex);
    std::vector<Bytes> out;
    for (std::size_t pos = start; pos + 3 <= s.size();) {
        const std::size_t n = std::size_t{s[pos]} << 16 | std::size_t{s[pos + 1]} << 8 | s[pos + 2];
        if (n > s.size() - pos - 3)
            break;
        out.emplace_back(s.begin() + static_cast<long>(pos + 3), s.begin() + static_cast<long>(pos + 3 + n));
        pos += 3 + n;
    }
    return out;
}

Bytes client_hello_bytes() { return frames(kClientStream, 4).at(0); }
Bytes client_finish_bytes() { return frames(kClientStream, 4).at(1); }
Bytes server_hello_bytes() { return frames(kServerStream, 0).at(0); }

HandshakeMessage parse(const Bytes &b) { return parse_handshake(b.data(), b.size()); }
HandshakeMessage parse(const std::string &b)
{
    return parse_handshake(reinterpret_cast<const std::uint8_t *>(b.data()), b.size());
}
HandshakeMessage parsed(const char *h) { return parse(hex(h)); }

std::string value(const Bytes &b, const HandshakeItem &item)
{
    return std::string(b.begin() + static_cast<long>(item.field.value_offset),
                       b.begin() + static_cast<long>(item.field.end()));
}
std::string str(const Bytes &b) { return std::string(b.begin(), b.end()); }
std::string str(const char *h) { return str(hex(h)); }

// "number:name" of each item (name "?" for an unknown field), with "!wire" / "!size" marks.
std::string items(const HandshakeMessage &m)
{
    std::string out;
    for (std::size_t i = 0; i < m.count; ++i) {
        const HandshakeItem &it = m.items[i];
        if (!out.empty())
            out += ' ';
        out += std::to_string(it.field.number) + ":" + (it.info ? it.info->name : "?");
        if (it.wrong_wire_type)
            out += "!wire";
        if (it.wrong_size)
            out += "!size";
    }
    return out;
}

TEST(Handshake, SpecClientHello)
{
    const Bytes b = client_hello_bytes();
    ASSERT_EQ(b.size(), 0x24u);
    const HandshakeMessage m = parse(b);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.kind, HandshakeKind::ClientHello);
    EXPECT_EQ(m.body.offset, 0u);
    EXPECT_EQ(m.body.value_offset, 2u);
    EXPECT_EQ(m.body.value_length, 34u);
    EXPECT_EQ(items(m), "1:ephemeral");
    const HandshakeItem &e = m.items[0];
    EXPECT_EQ(e.field.offset, 2u);  // from the start of the HandshakeMessage, not of the body
    EXPECT_EQ(e.field.value_offset, 4u);
    EXPECT_EQ(e.field.value_length, 32u);
    EXPECT_EQ(value(b, e), str(kClientEphemeral));
    EXPECT_FALSE(e.info->extended);
    EXPECT_EQ(m.find(1), &m.items[0]);
    EXPECT_EQ(m.find(2), nullptr);
    EXPECT_FALSE(m.several_kinds || m.too_many_fields);
    EXPECT_EQ(m.unknown_outer, 0u);
    EXPECT_EQ(pattern_of(m), Pattern::XX);
}

TEST(Handshake, SpecServerHello)
{
    const Bytes b = server_hello_bytes();
    ASSERT_EQ(b.size(), 0x14au);
    const HandshakeMessage m = parse(b);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.kind, HandshakeKind::ServerHello);
    EXPECT_EQ(m.body.value_offset, 3u);  // two-byte length
    EXPECT_EQ(m.body.end(), b.size());
    EXPECT_EQ(items(m), "1:ephemeral 2:static 3:payload");
    EXPECT_EQ(value(b, *m.find(1)), str(kServerEphemeral));
    EXPECT_EQ(m.find(1)->field.offset, 3u);
    EXPECT_EQ(m.find(2)->field.offset, 37u);
    EXPECT_EQ(m.find(2)->field.value_length, 48u);
    EXPECT_EQ(m.find(3)->field.offset, 87u);
    EXPECT_EQ(m.find(3)->field.end(), b.size());
    EXPECT_EQ(pattern_after_server_hello(Pattern::XX, m), Pattern::XX);
}

TEST(Handshake, SpecClientFinish)
{
    const Bytes b = client_finish_bytes();
    ASSERT_EQ(b.size(), 0x5bu);
    const HandshakeMessage m = parse(b);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.kind, HandshakeKind::ClientFinish);
    EXPECT_EQ(items(m), "1:static 2:payload");
    EXPECT_EQ(m.find(1)->field.value_length, 48u);
    EXPECT_EQ(m.find(2)->field.end(), b.size());
    EXPECT_EQ(pattern_of(m), Pattern::Unknown);  // not a ClientHello
}

TEST(Handshake, EncodersRebuildTheSpecMessages)
{
    const Bytes ch = client_hello_bytes(), sh = server_hello_bytes(), cf = client_finish_bytes();
    EXPECT_EQ(encode_client_hello(str(kClientEphemeral)), "\x12\x22\x0a\x20" + str(kClientEphemeral));
    EXPECT_EQ(encode_client_hello(str(kClientEphemeral)), str(ch));
    const HandshakeMessage s = parse(sh);
    EXPECT_EQ(encode_server_hello(value(sh, *s.find(1)), value(sh, *s.find(2)), value(sh, *s.find(3))), str(sh));
    const HandshakeMessage f = parse(cf);
    EXPECT_EQ(encode_client_finish(value(cf, *f.find(1)), value(cf, *f.find(2))), str(cf));
}

TEST(Handshake, EncodersRoundTrip)
{
    const std::string e(32, '\x01'), s(48, '\x02'), p(200, '\x03');
    const std::string ik = encode_client_hello(e, s, p);
    HandshakeMessage m = parse(ik);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(items(m), "1:ephemeral 2:static 3:payload");
    EXPECT_EQ(ik.substr(m.find(3)->field.value_offset, m.find(3)->field.value_length), p);
    // Empty arguments are left out; a message with none is an empty sub-message.
    EXPECT_EQ(items(parse(encode_client_hello(e, {}, p))), "1:ephemeral 3:payload");
    EXPECT_EQ(items(parse(encode_server_hello({}, s, {}))), "2:static");
    EXPECT_EQ(encode_client_finish({}, {}), "\x22\x00"s);
    EXPECT_EQ(encode_server_hello({}, {}, {}), "\x1a\x00"s);
    m = parse(encode_client_finish(s, p));
    EXPECT_EQ(m.kind, HandshakeKind::ClientFinish);
    EXPECT_EQ(items(m), "1:static 2:payload");
}

TEST(Handshake, FieldTable)
{
    const char *const client_hello[] = {"ephemeral", "static", "payload", "use_extended", "extended_ciphertext",
                                        "padded_bytes", "send_server_hello_padded_bytes", "simulate_xxkem_fs",
                                        "pq_mode", "extended_ephemeral"};
    const char *const server_hello[] = {"ephemeral", "static", "payload", "extended_static", "padding_bytes",
                                        "extended_ciphertext"};
    const char *const client_finish[] = {"static", "payload", "extended_ciphertext", "padded_bytes",
                                         "simulate_xxkem_fs"};
    auto check = [](HandshakeKind k, const char *const *names, std::uint32_t n) {
        for (std::uint32_t i = 1; i <= n; ++i) {
            const FieldInfo *f = field_info(k, i);
            ASSERT_NE(f, nullptr) << i;
            EXPECT_EQ(f->number, i);
            EXPECT_STREQ(f->name, names[i - 1]);
            EXPECT_EQ(f->extended, i > (k == HandshakeKind::ClientFinish ? 2u : 3u)) << f->name;
        }
        EXPECT_EQ(field_info(k, 0), nullptr);
        EXPECT_EQ(field_info(k, n + 1), nullptr);
    };
    check(HandshakeKind::ClientHello, client_hello, 10);
    check(HandshakeKind::ServerHello, server_hello, 6);
    check(HandshakeKind::ClientFinish, client_finish, 5);
    EXPECT_EQ(field_info(HandshakeKind::None, 1), nullptr);
    // Value kinds and key sizes.
    EXPECT_EQ(field_info(HandshakeKind::ClientHello, 1)->expected_size, 32u);
    EXPECT_EQ(field_info(HandshakeKind::ClientHello, 2)->expected_size, 48u);
    EXPECT_EQ(field_info(HandshakeKind::ClientHello, 3)->expected_size, 0u);
    EXPECT_EQ(field_info(HandshakeKind::ServerHello, 1)->expected_size, 32u);
    EXPECT_EQ(field_info(HandshakeKind::ServerHello, 2)->expected_size, 48u);
    EXPECT_EQ(field_info(HandshakeKind::ClientFinish, 1)->expected_size, 48u);
    for (std::uint32_t n : {4u, 7u, 8u})
        EXPECT_EQ(field_info(HandshakeKind::ClientHello, n)->value, FieldValue::Bool) << n;
    EXPECT_EQ(field_info(HandshakeKind::ClientHello, 9)->value, FieldValue::Enum);
    EXPECT_EQ(field_info(HandshakeKind::ClientHello, 10)->value, FieldValue::Bytes);
    EXPECT_EQ(field_info(HandshakeKind::ClientFinish, 5)->value, FieldValue::Bool);
    EXPECT_EQ(field_info(HandshakeKind::ServerHello, 6)->value, FieldValue::Bytes);
}

TEST(Handshake, Names)
{
    EXPECT_STREQ(handshake_kind_name(HandshakeKind::None), "handshake message");
    EXPECT_STREQ(handshake_kind_name(HandshakeKind::ClientHello), "ClientHello");
    EXPECT_STREQ(handshake_kind_name(HandshakeKind::ServerHello), "ServerHello");
    EXPECT_STREQ(handshake_kind_name(HandshakeKind::ClientFinish), "ClientFinish");
    EXPECT_STREQ(pattern_name(Pattern::Unknown), "unknown");
    EXPECT_STREQ(pattern_name(Pattern::XX), "XX");
    EXPECT_STREQ(pattern_name(Pattern::IK), "IK");
    EXPECT_STREQ(pattern_name(Pattern::XXfallback), "XXfallback");
}

TEST(Handshake, EmptyMessages)
{
    HandshakeMessage m = parse_handshake(nullptr, 0);
    EXPECT_EQ(m.kind, HandshakeKind::None);
    EXPECT_EQ(m.error, Error::None);
    EXPECT_FALSE(m.ok());
    EXPECT_EQ(pattern_of(m), Pattern::Unknown);
    // An empty ClientHello is well-formed, but implies no pattern.
    m = parsed("1200");
    EXPECT_TRUE(m.ok());
    EXPECT_EQ(m.kind, HandshakeKind::ClientHello);
    EXPECT_EQ(m.count, 0u);
    EXPECT_EQ(pattern_of(m), Pattern::Unknown);
}

TEST(Handshake, UnknownFields)
{
    // Outer fields 1 and 5 around the ClientHello; inside it, field 11 and a fixed32 field 12.
    const HandshakeMessage m = parsed("0801 1209 0a00 5801 6504030201 2a00");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.unknown_outer, 2u);
    EXPECT_EQ(items(m), "1:ephemeral!size 11:? 12:?");
    EXPECT_EQ(m.items[1].field.offset, 6u);
    EXPECT_EQ(m.items[2].field.varint, 0x01020304u);
    // Only outer fields: no handshake message, though well-formed.
    const HandshakeMessage none = parsed("0801 2a00");
    EXPECT_EQ(none.kind, HandshakeKind::None);
    EXPECT_EQ(none.error, Error::None);
    EXPECT_EQ(none.unknown_outer, 2u);
    // A field 2 that is a varint is no sub-message.
    const HandshakeMessage varint2 = parsed("1001");
    EXPECT_EQ(varint2.kind, HandshakeKind::None);
    EXPECT_EQ(varint2.unknown_outer, 1u);
}

TEST(Handshake, WrongWireTypes)
{
    // ephemeral as a varint, use_extended as bytes, pq_mode as a varint (right), static as fixed32.
    HandshakeMessage m = parsed("120c 0805 220101 4802 1501020304");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(items(m), "1:ephemeral!wire 4:use_extended!wire 9:pq_mode 2:static!wire");
    EXPECT_TRUE(m.find(9)->info->extended);
    EXPECT_EQ(m.find(9)->field.varint, 2u);
    EXPECT_EQ(pattern_of(m), Pattern::Unknown);  // neither key is usable
    m = parsed("2204 2800 1000");  // ClientFinish: simulate_xxkem_fs right, payload as a varint
    EXPECT_EQ(items(m), "5:simulate_xxkem_fs 2:payload!wire");
}

TEST(Handshake, WrongSizes)
{
    const std::string k31(31, 'k'), k32(32, 'k'), k48(48, 'k');
    EXPECT_EQ(items(parse(encode_client_hello(k31, k32, k31))), "1:ephemeral!size 2:static!size 3:payload");
    EXPECT_EQ(items(parse(encode_server_hello(k48, k48, k48))), "1:ephemeral!size 2:static 3:payload");
    EXPECT_EQ(items(parse(encode_client_finish(k32, k32))), "1:static!size 2:payload");
    // An empty key is a key of the wrong size too.
    EXPECT_EQ(items(parsed("1202 0a00")), "1:ephemeral!size");
    // Extended fields have no size to check.
    EXPECT_EQ(items(parsed("1a05 2203000000")), "4:extended_static");
}

TEST(Handshake, SeveralKinds)
{
    HandshakeMessage m = parsed("1a02 0a00 1202 0a00 2200");
    EXPECT_TRUE(m.ok());
    EXPECT_TRUE(m.several_kinds);
    EXPECT_EQ(m.kind, HandshakeKind::ServerHello);  // the first one
    EXPECT_EQ(m.body.offset, 0u);
    EXPECT_EQ(m.count, 1u);
    m = parsed("1200 1200");
    EXPECT_TRUE(m.several_kinds);
    EXPECT_EQ(m.kind, HandshakeKind::ClientHello);
}

TEST(Handshake, ErrorsInsideAndOutside)
{
    // Inside the body: the offset is from the start of the message; items before it stay.
    HandshakeMessage m = parsed("1204 2001 0a05");
    EXPECT_FALSE(m.ok());
    EXPECT_EQ(m.kind, HandshakeKind::ClientHello);
    EXPECT_EQ(m.error, Error::LengthBeyondEnd);  // beyond the body, though not the message
    EXPECT_EQ(m.error_offset, 4u);
    EXPECT_EQ(items(m), "4:use_extended");
    m = parsed("1204 2001 0a05 0102030405");
    EXPECT_EQ(m.error, Error::LengthBeyondEnd);
    EXPECT_EQ(m.error_offset, 4u);
    // Every kind of error inside, at offset 2 + 2.
    EXPECT_EQ(parsed("1203 2001 80").error, Error::Truncated);
    EXPECT_EQ(parsed("1203 2001 80").error_offset, 4u);
    EXPECT_EQ(parsed("1203 2001 00").error, Error::BadFieldNumber);
    EXPECT_EQ(parsed("1203 2001 0b").error, Error::BadWireType);
    EXPECT_EQ(parsed("120d 2001 08ffffffffffffffffff02").error, Error::OverlongVarint);
    EXPECT_EQ(parsed("120d 2001 08ffffffffffffffffff02").error_offset, 4u);
    // Outside, after a good body: the body's items stay, the message is not ok.
    m = parsed("1202 2001 1a05");
    EXPECT_EQ(m.kind, HandshakeKind::ClientHello);
    EXPECT_EQ(m.count, 1u);
    EXPECT_EQ(m.error, Error::LengthBeyondEnd);
    EXPECT_EQ(m.error_offset, 4u);
    EXPECT_FALSE(m.ok());
    // Before any body.
    m = parsed("0f 1200");
    EXPECT_EQ(m.kind, HandshakeKind::None);
    EXPECT_EQ(m.error, Error::BadWireType);
    EXPECT_EQ(m.error_offset, 0u);
    // The first error wins: inside the first body, before a broken outer field.
    m = parsed("1201 80 0f");
    EXPECT_EQ(m.error, Error::Truncated);
    EXPECT_EQ(m.error_offset, 2u);
}

TEST(Handshake, TooManyFields)
{
    std::string body;
    for (int i = 0; i < 30; ++i)
        protobuf::put_uint(body, 4, 1);
    std::string msg;
    protobuf::put_bytes(msg, 2, body);
    HandshakeMessage m = parse(msg);
    EXPECT_TRUE(m.ok());
    EXPECT_TRUE(m.too_many_fields);
    EXPECT_EQ(m.count, kMaxHandshakeItems);
    EXPECT_EQ(m.items[kMaxHandshakeItems - 1].field.offset, 2 + 2 * (kMaxHandshakeItems - 1));
    // A malformed field after the ones listed is still found.
    body += "\x0b";
    msg.clear();
    protobuf::put_bytes(msg, 2, body);
    m = parse(msg);
    EXPECT_EQ(m.error, Error::BadWireType);
    EXPECT_EQ(m.error_offset, 2u + 60u);
}

TEST(Handshake, Patterns)
{
    const std::string e(32, 'e'), s(48, 's'), p(10, 'p');
    const HandshakeMessage xx = parse(client_hello_bytes());
    EXPECT_EQ(pattern_of(xx), Pattern::XX);
    const HandshakeMessage ik = parse(encode_client_hello(e, s, p));
    EXPECT_EQ(pattern_of(ik), Pattern::IK);
    EXPECT_EQ(pattern_of(parse(encode_client_hello(e, s))), Pattern::IK);
    EXPECT_EQ(pattern_of(parse(encode_client_hello(e, {}, p))), Pattern::IK);
    EXPECT_EQ(pattern_of(parse(encode_server_hello(e, s, p))), Pattern::Unknown);
    // The server's answer: a static key turns IK into XXfallback, and nothing else changes.
    const HandshakeMessage with_static = parse(server_hello_bytes());
    const HandshakeMessage without_static = parse(encode_server_hello(e, {}, p));
    EXPECT_EQ(pattern_after_server_hello(Pattern::IK, with_static), Pattern::XXfallback);
    EXPECT_EQ(pattern_after_server_hello(Pattern::IK, without_static), Pattern::IK);
    EXPECT_EQ(pattern_after_server_hello(Pattern::XX, with_static), Pattern::XX);
    EXPECT_EQ(pattern_after_server_hello(Pattern::Unknown, with_static), Pattern::Unknown);
    EXPECT_EQ(pattern_after_server_hello(Pattern::IK, parse(client_finish_bytes())), Pattern::IK);
}

// Every prefix of a real message: no crash, and a clean error (the outer length is always
// cut). Every prefix of its body, re-wrapped with a matching length: well-formed at a field
// boundary (with the fields before the cut), otherwise an error at the cut field's tag.
TEST(Handshake, EveryPrefixOfTheSpecMessages)
{
    for (const Bytes &b : {client_hello_bytes(), server_hello_bytes(), client_finish_bytes()}) {
        const HandshakeMessage whole = parse(b);
        ASSERT_TRUE(whole.ok());
        for (std::size_t n = 0; n < b.size(); ++n) {
            SCOPED_TRACE(n);
            const Bytes prefix(b.begin(), b.begin() + static_cast<long>(n));
            const HandshakeMessage m = parse(prefix);
            EXPECT_FALSE(m.ok());
            if (n == 0) {
                EXPECT_EQ(m.kind, HandshakeKind::None);
                EXPECT_EQ(m.error, Error::None);
            } else {
                EXPECT_TRUE(m.error == Error::Truncated || m.error == Error::LengthBeyondEnd)
                    << protobuf::error_text(m.error);
                EXPECT_EQ(m.error_offset, 0u);
            }
        }
        const std::size_t base = whole.body.value_offset;
        const std::string body(b.begin() + static_cast<long>(base), b.end());
        for (std::size_t n = 0; n <= body.size(); ++n) {
            SCOPED_TRACE(n);
            std::string msg;
            protobuf::put_bytes(msg, static_cast<std::uint32_t>(whole.kind), body.substr(0, n));
            const HandshakeMessage m = parse(msg);
            const std::size_t shift = msg.size() - n;  // this body's offset in msg
            EXPECT_EQ(m.kind, whole.kind);
            std::size_t complete = 0;  // the fields that end by the cut
            while (complete < whole.count && whole.items[complete].field.end() - base <= n)
                ++complete;
            ASSERT_EQ(m.count, complete);
            for (std::size_t i = 0; i < complete; ++i)
                EXPECT_EQ(m.items[i].field.end() - shift, whole.items[i].field.end() - base);
            const bool boundary = complete == whole.count ? n == body.size()
                                                          : n == whole.items[complete].field.offset - base;
            if (boundary) {
                EXPECT_TRUE(m.ok()) << protobuf::error_text(m.error);
            } else {
                EXPECT_TRUE(m.error == Error::Truncated || m.error == Error::LengthBeyondEnd)
                    << protobuf::error_text(m.error);
                EXPECT_EQ(m.error_offset - shift, whole.items[complete].field.offset - base);
            }
        }
    }
}

}  // namespace
