// SPDX-License-Identifier: GPL-2.0-or-later
// The bounded protobuf reader and writer (codec/protobuf.hpp): every wire type with its
// offsets, every error with the offset of the broken field's tag, varint limits, and the
// writer read back.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "codec/protobuf.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::protobuf;
using funxmpp::test::hex;
using namespace std::string_literals;

namespace {

struct Walk {
    std::vector<Field> fields;
    Error error = Error::None;
    std::size_t error_offset = 0;
};

Walk walk(const std::vector<std::uint8_t> &b)
{
    Walk w;
    Reader r(b.data(), b.size());
    for (Field f; r.next(f);)
        w.fields.push_back(f);
    w.error = r.error();
    w.error_offset = r.error_offset();
    return w;
}

// "<error text> @<offset> after <n> fields", or "ok <n>".
std::string outcome(const std::string &hex_bytes)
{
    Walk w = walk(hex(hex_bytes));
    if (w.error == Error::None)
        return "ok " + std::to_string(w.fields.size());
    return std::string(error_text(w.error)) + " @" + std::to_string(w.error_offset) + " after " +
           std::to_string(w.fields.size());
}

TEST(Protobuf, ErrorTexts)
{
    EXPECT_STREQ(error_text(Error::None), "none");
    EXPECT_STREQ(error_text(Error::Truncated), "truncated");
    EXPECT_STREQ(error_text(Error::OverlongVarint), "overlong varint");
    EXPECT_STREQ(error_text(Error::BadWireType), "bad wire type");
    EXPECT_STREQ(error_text(Error::BadFieldNumber), "bad field number");
    EXPECT_STREQ(error_text(Error::LengthBeyondEnd), "length beyond end");
}

TEST(Protobuf, ZeroLengthMessage)
{
    Reader r(nullptr, 0);
    Field f;
    EXPECT_TRUE(r.at_end());
    EXPECT_FALSE(r.next(f));
    EXPECT_EQ(r.error(), Error::None);
}

TEST(Protobuf, EveryWireTypeWithOffsets)
{
    // 1: varint 300; 2: bytes "hi"; 3: fixed64; 4: fixed32; 5: empty bytes.
    Walk w = walk(hex("08ac02 12026869 190102030405060708 2501020304 2a00"));
    ASSERT_EQ(w.error, Error::None);
    ASSERT_EQ(w.fields.size(), 5u);
    const Field &v = w.fields[0];
    EXPECT_EQ(v.number, 1u);
    EXPECT_EQ(v.wire, WireType::Varint);
    EXPECT_EQ(v.offset, 0u);
    EXPECT_EQ(v.value_offset, 1u);
    EXPECT_EQ(v.value_length, 2u);
    EXPECT_EQ(v.varint, 300u);
    const Field &s = w.fields[1];
    EXPECT_EQ(s.wire, WireType::Len);
    EXPECT_EQ(s.offset, 3u);
    EXPECT_EQ(s.value_offset, 5u);
    EXPECT_EQ(s.value_length, 2u);
    EXPECT_EQ(s.varint, 2u);
    EXPECT_EQ(s.end(), 7u);
    const Field &q = w.fields[2];
    EXPECT_EQ(q.wire, WireType::I64);
    EXPECT_EQ(q.value_offset, 8u);
    EXPECT_EQ(q.value_length, 8u);
    EXPECT_EQ(q.varint, 0x0807060504030201u);  // little-endian
    const Field &d = w.fields[3];
    EXPECT_EQ(d.wire, WireType::I32);
    EXPECT_EQ(d.offset, 16u);
    EXPECT_EQ(d.varint, 0x04030201u);
    const Field &e = w.fields[4];
    EXPECT_EQ(e.number, 5u);
    EXPECT_EQ(e.offset, 21u);
    EXPECT_EQ(e.value_offset, 23u);
    EXPECT_EQ(e.value_length, 0u);
}

TEST(Protobuf, VarintLimits)
{
    // Ten bytes is the most, and the tenth carries only bit 63.
    Walk w = walk(hex("08 ffffffffffffffffff01"));
    ASSERT_EQ(w.error, Error::None);
    EXPECT_EQ(w.fields[0].varint, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(w.fields[0].value_length, 10u);
    EXPECT_EQ(walk(hex("08 80808080808080808001")).fields[0].varint, 1ull << 63);
    // Not minimal, but within ten bytes: accepted.
    EXPECT_EQ(walk(hex("08 8000")).fields[0].varint, 0u);
    EXPECT_EQ(walk(hex("08 80808080808080808000")).fields[0].varint, 0u);
    // A tenth byte above 1 overflows; an eleventh byte is overlong.
    EXPECT_EQ(outcome("0801 08 ffffffffffffffffff02"), "overlong varint @2 after 1");
    EXPECT_EQ(outcome("0801 08 ffffffffffffffffff7f"), "overlong varint @2 after 1");
    EXPECT_EQ(outcome("0801 08 ffffffffffffffffff8100"), "overlong varint @2 after 1");
    // In a tag and in a length too.
    EXPECT_EQ(outcome("ffffffffffffffffff02 00"), "overlong varint @0 after 0");
    EXPECT_EQ(outcome("0801 0a ffffffffffffffffff81"), "overlong varint @2 after 1");
}

TEST(Protobuf, Truncated)
{
    EXPECT_EQ(outcome("0801 80"), "truncated @2 after 1");          // inside a tag
    EXPECT_EQ(outcome("0801 08"), "truncated @2 after 1");          // tag, no value
    EXPECT_EQ(outcome("0801 08ff"), "truncated @2 after 1");        // inside a varint value
    EXPECT_EQ(outcome("0801 08ffffffffffffffffff"), "truncated @2 after 1");  // nine of ten
    EXPECT_EQ(outcome("0801 0a"), "truncated @2 after 1");          // no length
    EXPECT_EQ(outcome("0801 0a80"), "truncated @2 after 1");        // inside a length
    EXPECT_EQ(outcome("0801 09 01020304050607"), "truncated @2 after 1");  // fixed64 of 7
    EXPECT_EQ(outcome("0801 0d 010203"), "truncated @2 after 1");   // fixed32 of 3
    EXPECT_EQ(outcome("09 0102030405060708"), "ok 1");
    EXPECT_EQ(outcome("0d 01020304"), "ok 1");
}

TEST(Protobuf, LengthBeyondEnd)
{
    EXPECT_EQ(outcome("0801 0a05 01020304"), "length beyond end @2 after 1");
    EXPECT_EQ(outcome("0a05 0102030405"), "ok 1");  // exactly what is left
    // A length near 2^64 must not wrap the position around.
    EXPECT_EQ(outcome("0a ffffffffffffffffff01 00"), "length beyond end @0 after 0");
    EXPECT_EQ(outcome("0a feffffffffffffffff01 00"), "length beyond end @0 after 0");
}

TEST(Protobuf, BadFieldNumber)
{
    EXPECT_EQ(outcome("00"), "bad field number @0 after 0");        // field 0, varint
    EXPECT_EQ(outcome("0801 02 00"), "bad field number @2 after 1");  // field 0, bytes
    // 2^29 - 1 is the largest field number; 2^29 is one too many.
    Walk w = walk(hex("f8ffffff0f 05"));
    ASSERT_EQ(w.error, Error::None);
    EXPECT_EQ(w.fields[0].number, (1u << 29) - 1);
    EXPECT_EQ(w.fields[0].varint, 5u);
    EXPECT_EQ(outcome("0801 8080808010 05"), "bad field number @2 after 1");
    EXPECT_EQ(outcome("ffffffffffffffffff01"), "bad field number @0 after 0");
}

TEST(Protobuf, BadWireType)
{
    EXPECT_EQ(outcome("0801 0b"), "bad wire type @2 after 1");  // start group
    EXPECT_EQ(outcome("0801 0c"), "bad wire type @2 after 1");  // end group
    EXPECT_EQ(outcome("0801 0e"), "bad wire type @2 after 1");  // 6
    EXPECT_EQ(outcome("0801 0f"), "bad wire type @2 after 1");  // 7
    EXPECT_EQ(outcome("0801 9f01 00"), "bad wire type @2 after 1");  // field 19, two-byte tag
}

TEST(Protobuf, StaysFailedAfterAnError)
{
    const auto b = hex("0801 0b 0801");
    Reader r(b.data(), b.size());
    Field f;
    EXPECT_TRUE(r.next(f));
    EXPECT_FALSE(r.next(f));
    EXPECT_FALSE(r.next(f));
    EXPECT_EQ(r.error(), Error::BadWireType);
    EXPECT_EQ(r.error_offset(), 2u);
}

TEST(Protobuf, WriterBytes)
{
    std::string out;
    put_varint(out, 0);
    put_varint(out, 127);
    put_varint(out, 128);
    put_varint(out, 300);
    EXPECT_EQ(out, "\x00\x7f\x80\x01\xac\x02"s);
    out.clear();
    put_varint(out, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(out, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s);
    out.clear();
    put_bytes(out, 2, "hi");
    put_uint(out, 4, 1);
    put_bytes(out, 16, "");
    EXPECT_EQ(out, "\x12\x02hi\x20\x01\x82\x01\x00"s);
}

TEST(Protobuf, WriterReadsBack)
{
    const std::string big(300, 'x');
    std::string out;
    put_uint(out, 1, std::numeric_limits<std::uint64_t>::max());
    put_bytes(out, (1u << 29) - 1, big);
    put_uint(out, 7, 0);
    const std::vector<std::uint8_t> b(out.begin(), out.end());
    Walk w = walk(b);
    ASSERT_EQ(w.error, Error::None);
    ASSERT_EQ(w.fields.size(), 3u);
    EXPECT_EQ(w.fields[0].varint, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(w.fields[1].number, (1u << 29) - 1);
    EXPECT_EQ(w.fields[1].value_length, big.size());
    EXPECT_EQ(out.substr(w.fields[1].value_offset, w.fields[1].value_length), big);
    EXPECT_EQ(w.fields[2].number, 7u);
    EXPECT_EQ(w.fields[2].wire, WireType::Varint);
    EXPECT_EQ(w.fields[2].end(), out.size());
}

}  // namespace
