// SPDX-License-Identifier: GPL-2.0-or-later
// The Message protobuf read with WAProto's names (DESIGN 2.8): JSON as protobuf.js's toJSON()
// writes it, display items, the texts, and what the schema does not know.
#include <gtest/gtest.h>

#include <string>

#include "codec/crypto.hpp"
#include "codec/proto_json.hpp"
#include "codec/protobuf.hpp"

using namespace funxmpp;
using namespace funxmpp::e2e;
using protobuf::put_bytes;
using protobuf::put_uint;

namespace {

DecodedMessage decode(const std::string &bytes)
{
    const ProtoSchema &s = waproto_schema();
    return decode_message(s, s.message_index("Message"), reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
}

TEST(ProtoSchema, BuiltInTableReads)
{
    const ProtoSchema &s = waproto_schema();
    const int message = s.message_index("Message");
    ASSERT_GE(message, 0);
    const ProtoField *conversation = s.messages[message].field(1);
    ASSERT_NE(conversation, nullptr);
    EXPECT_EQ(conversation->name, "conversation");
    EXPECT_EQ(conversation->kind, ProtoKind::String);
    const ProtoField *image = s.messages[message].field(3);
    ASSERT_NE(image, nullptr);
    EXPECT_EQ(s.messages[image->target].name, "Message.ImageMessage");
    EXPECT_THROW(parse_proto_schema("field 1 x string\n"), std::runtime_error);
    EXPECT_THROW(parse_proto_schema("message A\nfield 1 b message B\n"), std::runtime_error);
}

TEST(ProtoJson, Conversation)
{
    std::string m;
    put_bytes(m, 1, "Hello \"you\"\n\xE2\x98\xBA");
    const DecodedMessage d = decode(m);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.json, "{\"conversation\":\"Hello \\\"you\\\"\\n\xE2\x98\xBA\"}");
    ASSERT_EQ(d.texts.size(), 1u);
    EXPECT_EQ(d.texts[0], "Hello \"you\"\n\xE2\x98\xBA");
    ASSERT_EQ(d.items.size(), 1u);
    EXPECT_EQ(d.items[0].offset, 0u);
    EXPECT_EQ(d.items[0].length, m.size());
}

TEST(ProtoJson, ImageWithNumbersBytesAndCaption)
{
    std::string image, m;
    put_bytes(image, 2, "image/jpeg");
    put_bytes(image, 3, "Look");
    put_bytes(image, 4, std::string("\x00\x01\x02\xff", 4));
    put_uint(image, 5, 5000000000ULL);  // uint64: a string
    put_uint(image, 6, 600);            // uint32: a number
    put_bytes(m, 3, image);
    const DecodedMessage d = decode(m);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.json, "{\"imageMessage\":{\"mimetype\":\"image/jpeg\",\"caption\":\"Look\",\"fileSha256\":\"AAEC/w==\","
                      "\"fileLength\":\"5000000000\",\"height\":600}}");
    EXPECT_EQ(d.texts, std::vector<std::string>{"Look"});
    ASSERT_EQ(d.items.size(), 6u);
    EXPECT_TRUE(d.items[0].message);
    EXPECT_EQ(d.items[0].label, "imageMessage");
    EXPECT_EQ(d.items[1].depth, 1u);
    EXPECT_EQ(d.items[1].label, "mimetype: image/jpeg");
    EXPECT_EQ(d.items[3].label, "fileSha256: 000102ff (4 bytes)");
}

TEST(ProtoJson, ReactionEnumsBoolsAndInt64)
{
    std::string key, reaction, protocol, m;
    put_bytes(key, 1, "34600000002@s.whatsapp.net");
    put_uint(key, 2, 1);
    put_bytes(key, 3, "3EB0");
    put_bytes(reaction, 1, key);
    put_bytes(reaction, 2, "\xF0\x9F\x91\x8D");
    put_uint(reaction, 4, 1700000000123ULL);
    put_bytes(m, 46, reaction);
    const DecodedMessage d = decode(m);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.json, "{\"reactionMessage\":{\"key\":{\"remoteJid\":\"34600000002@s.whatsapp.net\",\"fromMe\":true,"
                      "\"id\":\"3EB0\"},\"text\":\"\xF0\x9F\x91\x8D\",\"senderTimestampMs\":\"1700000000123\"}}");
    put_uint(protocol, 2, 0);    // type REVOKE: an enum by name
    put_uint(protocol, 2, 999);  // given again, the last wins: a number the schema has no name for
    std::string p;
    put_bytes(p, 12, protocol);
    EXPECT_EQ(decode(p).json, "{\"protocolMessage\":{\"type\":999}}");
}

TEST(ProtoJson, AQuotedMessagesTextIsNotThisOnes)
{
    std::string quoted, context, extended, m;
    put_bytes(quoted, 1, "Fine, thanks");
    put_bytes(context, 1, "3EB0");
    put_bytes(context, 3, quoted);
    put_bytes(extended, 1, "Yes!");
    put_bytes(extended, 17, context);
    put_bytes(m, 6, extended);
    const DecodedMessage d = decode(m);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.texts, std::vector<std::string>{"Yes!"});
    EXPECT_EQ(d.json, "{\"extendedTextMessage\":{\"text\":\"Yes!\",\"contextInfo\":{\"stanzaId\":\"3EB0\","
                      "\"quotedMessage\":{\"conversation\":\"Fine, thanks\"}}}}");
}

TEST(ProtoJson, UnknownFieldsRepeatedAndReplaced)
{
    std::string a, m;
    put_bytes(a, 2, "image/png");
    put_bytes(a, 7, "");  // width (uint32) given as bytes: a wire type that does not fit, left out
    put_bytes(m, 3, a);
    put_uint(m, 9999, 5);  // a field the schema does not know
    put_bytes(m, 3, std::string("\x38\x07", 2));  // imageMessage again, width 7: it replaces the first
    const DecodedMessage d = decode(m);
    EXPECT_EQ(d.json, "{\"imageMessage\":{\"width\":7}}");
    EXPECT_TRUE(d.misread);  // the width given as bytes: protobuf.js would not read it so
    EXPECT_FALSE(d.ok());
    EXPECT_EQ(d.unknown_fields, 1u);
    bool unknown_item = false;
    for (const ProtoItem &i : d.items)
        unknown_item |= i.unknown && i.label == "field 9999 (not in Message)";
    EXPECT_TRUE(unknown_item);
    bool mismatch_item = false;
    for (const ProtoItem &i : d.items)
        mismatch_item |= i.mismatch;
    EXPECT_TRUE(mismatch_item);
}

TEST(ProtoJson, RepeatedPackedOrNot)
{
    const ProtoSchema s = parse_proto_schema("message T\nfield 1 xs uint32 repeated\nfield 2 es enum repeated E\n"
                                             "field 3 d double\nfield 4 z sint64\nenum E\nvalue 1 ONE\n");
    std::string m;
    put_uint(m, 1, 5);
    put_bytes(m, 1, "\x06\x96\x01");  // packed: 6, 150
    put_bytes(m, 2, "\x01\x02");       // packed enums: ONE, and 2 (no name)
    m += std::string("\x19\x00\x00\x00\x00\x00\x00\xf8\x7f", 9);  // d: NaN
    put_uint(m, 4, 3);                  // z: zigzag 3 = -2
    const DecodedMessage d = decode_message(s, 0, reinterpret_cast<const std::uint8_t *>(m.data()), m.size());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.json, "{\"xs\":[5,6,150],\"es\":[\"ONE\",2],\"d\":\"NaN\",\"z\":\"-2\"}");
}

TEST(ProtoJson, MalformedAndTooDeep)
{
    const DecodedMessage cut = decode(std::string("\x0a\x10short", 7));
    EXPECT_FALSE(cut.ok());
    EXPECT_EQ(cut.error, protobuf::Error::LengthBeyondEnd);
    EXPECT_EQ(cut.error_offset, 0u);
    // quotedMessage inside contextInfo inside extendedTextMessage, again and again.
    std::string m = "";
    for (int i = 0; i < 40; ++i) {
        std::string context, extended, outer;
        put_bytes(context, 3, m);
        put_bytes(extended, 17, context);
        put_bytes(outer, 6, extended);
        m = outer;
    }
    const DecodedMessage deep = decode(m);
    EXPECT_TRUE(deep.too_deep);
    EXPECT_FALSE(deep.ok());
}

TEST(ProtoJson, InvalidUtf8AsNodeReadsIt)
{
    // One U+FFFD per maximal ill-formed subpart (E2 82 then A; F0 9F 98 cut), as Node decodes.
    std::string m;
    put_bytes(m, 1, std::string("\xE2\x82" "A" "\xF0\x9F\x98", 6));
    EXPECT_EQ(decode(m).json, "{\"conversation\":\"\xEF\xBF\xBD" "A" "\xEF\xBF\xBD\"}");
    std::string lone;
    put_bytes(lone, 1, std::string("\xC0\xAF\xED\xA0\x80", 5));  // overlong, surrogate: each byte an error
    EXPECT_EQ(decode(lone).json, "{\"conversation\":\"" + std::string(5 * 3, ' ').replace(0, 15, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") + "\"}");
}

TEST(ProtoJson, AsProtobufJsReadsNumbers)
{
    const ProtoSchema s = parse_proto_schema("message T\nfield 1 b bool\nfield 2 f float\nfield 3 xs uint32 repeated\n");
    std::string m;
    put_uint(m, 1, 1ULL << 32);          // bool: only the low 32 bits count (uint32() !== 0)
    m += std::string("\x15\x00\x00\x00\x80", 5);  // -0.0f: JSON.stringify says 0
    for (int i = 0; i < 5000; ++i)
        put_uint(m, 3, 1);               // more fields than the items kept, all in the JSON
    const DecodedMessage d = decode_message(s, 0, reinterpret_cast<const std::uint8_t *>(m.data()), m.size());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.json.find("{\"b\":false,\"f\":0,\"xs\":[1,1,"), 0u);
    EXPECT_EQ(d.items.size(), kMaxProtoItems);
    EXPECT_EQ(d.items_not_kept, 5002 - kMaxProtoItems);
}

TEST(Base64, AsProtobufJsWritesIt)
{
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(*base64_decode(base64_encode(std::string("\xff\xfe\x00", 3))), std::string("\xff\xfe\x00", 3));
}

}  // namespace
