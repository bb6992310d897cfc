// SPDX-License-Identifier: GPL-2.0-or-later
// Worked examples of the spec (sections 3.4, 5.7, 8) and every malformed kind.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/framing.hpp"
#include "codec/tree.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::test;

namespace {

// Decodes a client stream (prologue + frames) to one XML line per stanza.
std::vector<std::string> decode_stream(const std::vector<std::uint8_t> &in)
{
    Prologue p = parse_prologue(in.data(), in.size());
    EXPECT_EQ(p.kind, StreamKind::FunXmpp);
    const Dialect &d = *dialect_for(p.version);
    std::vector<std::string> out;
    for (FrameCursor cursor(in.data(), in.size(), d, p.size); !cursor.at_end();) {
        const FrameStep f = cursor.next();
        EXPECT_EQ(f.status, FrameStatus::Frame);
        if (f.status != FrameStatus::Frame)
            break;
        const std::uint8_t *payload = cursor.payload(f);
        out.push_back(xml_of(d, std::vector<std::uint8_t>(payload, payload + f.header.length)));
    }
    return out;
}

TEST(SpecExamples, PackedStringsOf34)
{
    // <iq id="..."/> with the three packed examples of spec 3.4 as the id, in WA 1.6.
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FF 87 49 15 11 23 45 67 8F"), "<iq id=\"4915112345678\"/>");
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FF 06 14 31 36 45 83 A1"), "<iq id=\"1431364583-1\"/>");
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FB 8A A1 B2 C3 D4 E5 F6 07 18 29 3F"), "<iq id=\"A1B2C3D4E5F60718293\"/>");
    // '.' and '-' in the nibble alphabet; an empty packed string.
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FF 02 1B 2A"), "<iq id=\"1.2-\"/>");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FF 00"), "<iq id=\"\"/>");
}

TEST(SpecExamples, RealWa10LoginBytesOf81)
{
    auto lines = decode_stream(hex("57 41 01 00 00 19 F8 05 01 A0 8A 84 FC 11 69 50 68 6F 6E 65 2D 32 2E 36 2E 37 "
                                   "2D 35 32 32 32 00 08 F8 02 96 F8 01 F8 01 7E 00 07 F8 05 0F 5A 2A BD A7"));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "<stream:stream to=\"s.whatsapp.net\" resource=\"iPhone-2.6.7-5222\">");
    EXPECT_EQ(lines[1], "<stream:features><receipt_acks/></stream:features>");
    EXPECT_EQ(lines[2], "<auth mechanism=\"DIGEST-MD5-1\" xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>");
}

TEST(SpecExamples, Wa12LoginOpeningOf82)
{
    auto lines = decode_stream(hex(
        "57 41 01 02 00 00 19 F8 05 01 C8 AB A5 FC 11 69 50 68 6F 6E 65 2D 32 2E 38 2E 34 2D 35 32 32 32 00 00 08 F8 "
        "02 BB F8 01 F8 01 9C 00 00 17 F8 07 10 E8 CF 6D EC DA FC 0D 34 39 31 35 31 31 32 33 34 35 36 37 38"));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "<stream:stream to=\"s.whatsapp.net\" resource=\"iPhone-2.8.4-5222\">");
    EXPECT_EQ(lines[1], "<stream:features><receipt_acks/></stream:features>");
    EXPECT_EQ(lines[2],
              "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"WAUTH-1\" user=\"4915112345678\"/>");
}

TEST(SpecExamples, Wa16MessageOf83)
{
    EXPECT_EQ(xml_of("1.6", "F8 0A 5F B3 FA FF 87 49 15 11 23 45 67 8F 9B B5 AF 4A FF 06 14 31 36 45 83 A1 AE FF 05 "
                            "14 31 36 45 83 F8 01 F8 02 14 FC 02 48 69"),
              "<message to=\"4915112345678@s.whatsapp.net\" type=\"text\" id=\"1431364583-1\" t=\"1431364583\">"
              "<body>Hi</body></message>");
}

TEST(SpecExamples, Wa16ExtrasOf84)
{
    EXPECT_EQ(xml_of("1.6", "F8 0A 50 4A FF 01 03 D2 CC B5 42 B3 9B F8 01 F8 01 7D"),
              "<iq id=\"03\" xmlns=\"w:p\" type=\"get\" to=\"s.whatsapp.net\"><ping/></iq>");
    EXPECT_EQ(xml_of("1.6", "F8 07 8C B3 FA FF 87 49 15 11 23 45 67 8F 9B 4A FB 8A A1 B2 C3 D4 E5 F6 07 18 29 3F B5 89"),
              "<receipt to=\"4915112345678@s.whatsapp.net\" id=\"A1B2C3D4E5F60718293\" type=\"read\"/>");
}

TEST(SpecExamples, PresenceOf57)
{
    EXPECT_EQ(xml_of("1.6", "F8 05 81 B5 0F 67 FC 04 54 65 73 74"), "<presence type=\"available\" name=\"Test\"/>");
}

TEST(SpecExamples, AndroidStreamStartOfIssue)
{
    auto lines = decode_stream(hex("57410105000017f80501a59189fc0f416e64726f69642d322e31322e3834"));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "<stream:stream to=\"s.whatsapp.net\" resource=\"Android-2.12.84\">");
}

TEST(SpecExamples, ServerStartAndStreamEnd)
{
    // Spec 1.4: after 0x01 come the attribute pairs directly.
    EXPECT_EQ(xml_of("1.5", "F8 03 01 3A 91"), "<stream:stream from=\"s.whatsapp.net\">");
    EXPECT_EQ(xml_of("1.5", "F8 01 02"), "</stream:stream>");
}

TEST(Decoder, KeepAliveFrame)
{
    std::uint8_t ka = 0x00;
    NullHandler nothing;
    DecodeResult r = decode_payload(dialect("1.5"), &ka, 1, nothing);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(xml_of("1.5", "00"), "");
}

TEST(Decoder, TopLevelTagWithoutTheRest)
{
    // The tag alone is read: the stanza's later bytes may be cut short or malformed.
    const Dialect &d = dialect("1.5");
    auto tag = [&](const std::string &text) {
        std::vector<std::uint8_t> in = funxmpp::test::hex(text);
        return top_level_tag(d, in.data(), in.size());
    };
    EXPECT_EQ(tag("F8 03 4A 44 EC 00"), "iq");
    EXPECT_EQ(tag("F8 05 4A"), "iq");                 // attributes missing
    EXPECT_EQ(tag("F8 02 FC 04 61 75 74 68"), "auth");  // a tag sent as a string
    EXPECT_EQ(tag("00"), "");                         // keep-alive
    EXPECT_EQ(tag("F8 03 01 3A 91"), "");             // stream start
    EXPECT_EQ(tag("F8 01 02"), "");                   // stream end
    EXPECT_EQ(tag("F8 01 00"), "");                   // null tag
    EXPECT_EQ(tag("F8"), "");                         // truncated
}

TEST(Decoder, SecondaryTokensPerVersion)
{
    // 1.4/1.5: EC b = secondary[b]; 1.6: EC..EF b = secondary[page*256 + b].
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 EC 00"), "<iq id=\"" + std::string(dialect("1.5").tokens->secondary_at(0)) + "\"/>");
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A ED 06"), "<iq id=\"encrypt_group_gen2\"/>");
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A ED 07"), "ERROR unknown token @4");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 EC FF"), "ERROR unknown token @4");  // 1.5 secondary ends at 0xDF
    EXPECT_EQ(xml_of("1.2", "F8 03 55 4D EC"), "<iq id=\"WAUTH-1\"/>");       // an ordinary token in 1.2
}

TEST(Decoder, BinaryLengthWidths)
{
    // 0xFD: 24 bits up to 1.5; 1.6 masks to 20 bits (so 0x100001 is read as length 1).
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FD 10 00 01 41"), "<iq id=\"A\"/>");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FD 10 00 01 41"), "ERROR truncated @8");
    // 0xFE in 1.6: 31-bit length.
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FE 80 00 00 01 41"), "<iq id=\"A\"/>");
}

TEST(Decoder, JidWithNullUser)
{
    EXPECT_EQ(xml_of("1.5", "F8 03 4A A5 FA 00 3B"), "<iq to=\"g.us\"/>");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A A5 FA FC 01 61 FC 01 62"), "<iq to=\"a@b\"/>");
}

TEST(Decoder, EventsCarryOffsetsAndLengths)
{
    struct Recorder : DecodeHandler {
        std::vector<std::string> log;
        void node_begin(const NodeBegin &n) override
        {
            log.push_back("begin " + std::to_string(n.offset) + "+" + std::to_string(n.header_length) + " tag@" +
                          std::to_string(n.tag.str.offset) + " depth " + std::to_string(n.depth));
        }
        void attribute(const Value &k, const Value &v) override
        {
            log.push_back("attr " + std::to_string(k.str.offset) + "/" + std::to_string(k.str.length) + " " +
                          std::to_string(v.str.offset) + "/" + std::to_string(v.str.length) + " user " +
                          std::to_string(v.user.offset) + "/" + std::to_string(v.user.length) +
                          (v.is_jid() ? std::string(" ") + encoding_name(v.user.encoding) : ""));
        }
        void children_begin(std::uint32_t o, std::uint32_t l, std::uint32_t c) override
        {
            log.push_back("children " + std::to_string(o) + "/" + std::to_string(l) + " x" + std::to_string(c));
        }
        void data(const Value &v) override
        {
            log.push_back("data " + std::to_string(v.str.offset) + "/" + std::to_string(v.str.length));
        }
        void node_end(std::uint32_t e) override { log.push_back("end " + std::to_string(e)); }
    } rec;
    auto b = hex("F8 0A 5F B3 FA FF 87 49 15 11 23 45 67 8F 9B B5 AF 4A FF 06 14 31 36 45 83 A1 AE FF 05 14 31 36 45 "
                 "83 F8 01 F8 02 14 FC 02 48 69");
    ASSERT_TRUE(decode_payload(dialect("1.6"), b.data(), b.size(), rec).ok());
    std::vector<std::string> want = {
        "begin 0+2 tag@2 depth 0",
        "attr 3/1 4/11 user 5/9 nibble-packed",
        "attr 15/1 16/1 user 0/0",
        "attr 17/1 18/8 user 0/0",
        "attr 26/1 27/7 user 0/0",
        "children 34/2 x1",
        "begin 36+2 tag@38 depth 1",
        "data 39/4",
        "end 43",
        "end 43",
    };
    EXPECT_EQ(rec.log, want);
}

// ---- Malformed input: each kind gives its error at its offset, never a crash ----------

TEST(Malformed, TruncatedAtEveryPosition)
{
    auto full = hex("F8 0A 5F B3 FA FF 87 49 15 11 23 45 67 8F 9B B5 AF 4A FB 8A A1 B2 C3 D4 E5 F6 07 18 29 3F AE FE "
                    "00 00 00 02 31 32 F8 01 F8 02 14 FD 00 00 02 48 69");
    ASSERT_EQ(xml_of(dialect("1.6"), full).rfind("<message", 0), 0u);
    for (std::size_t n = 1; n < full.size(); ++n) {
        std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
        std::string got = xml_of(dialect("1.6"), cut);
        EXPECT_EQ(got.rfind("ERROR truncated @", 0), 0u) << n << " bytes: " << got;
    }
}

TEST(Malformed, EachKindWithItsOffset)
{
    EXPECT_EQ(xml_of("1.5", "F8 02 4A F8 01 00 F8"), "ERROR empty node @5");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 EC E5"), "ERROR unknown token @4");
    EXPECT_EQ(xml_of("1.4", "F8 01 CD"), "ERROR unknown token @2");           // 1.4 primary ends at 0xCC
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FF 02 12 C4"), "ERROR invalid nibble @7");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FF 02 F2 34"), "ERROR invalid nibble @6");  // F only as padding
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FF 80"), "ERROR invalid nibble @5");        // odd with no bytes
    EXPECT_EQ(xml_of("1.5", "F8 01 00"), "ERROR null tag @2");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FA FA 00 3B 3B"), "ERROR nested JID @5");
    EXPECT_EQ(xml_of("1.5", "F8 01 4A 00"), "ERROR trailing bytes @3");
    EXPECT_EQ(xml_of("1.4", "F8 03 49 43 FF 01 12"), "ERROR invalid lead byte @4");  // no packing in 1.4
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FB 01 12"), "ERROR invalid lead byte @4");  // no hex in 1.5
}

TEST(Malformed, MessagesNameTheProblem)
{
    auto b = hex("F8 01 F0");
    NullHandler h;
    DecodeResult r = decode_payload(dialect("1.5"), b.data(), b.size(), h);
    EXPECT_EQ(r.error.message(), "byte 0xf0 is not valid here in WA 1.5");
    b = hex("F8 01 CD");
    r = decode_payload(dialect("1.4"), b.data(), b.size(), h);
    EXPECT_EQ(r.error.message(), "unknown token 0xcd for WA 1.4");
    b = hex("F8 01 EC FF");
    r = decode_payload(dialect("1.5"), b.data(), b.size(), h);
    EXPECT_EQ(r.error.message(), "unknown token 0xec 0xff for WA 1.5");
}

TEST(Malformed, DepthLimit)
{
    // 10,000 levels of <iq><iq>...: stops at the limit, with the offset of the node too deep.
    std::vector<std::uint8_t> deep;
    for (int i = 0; i < 10000; ++i)
        deep.insert(deep.end(), {0xF8, 0x02, 0x4A, 0xF8, 0x01});
    deep.insert(deep.end(), {0xF8, 0x01, 0x4A});
    DecodeLimits limits;
    std::string got = xml_of(dialect("1.5"), deep);
    EXPECT_EQ(got, "ERROR depth limit @" + std::to_string(5 * limits.max_depth));

    std::vector<std::uint8_t> ok;
    for (unsigned i = 0; i + 1 < limits.max_depth; ++i)
        ok.insert(ok.end(), {0xF8, 0x02, 0x4A, 0xF8, 0x01});
    ok.insert(ok.end(), {0xF8, 0x01, 0x4A});
    EXPECT_EQ(xml_of(dialect("1.5"), ok).rfind("<iq><iq>", 0), 0u);
}

TEST(Malformed, HugeDeclaredLengthsAllocateNothingAndFail)
{
    EXPECT_EQ(xml_of("1.6", "F8 03 50 4A FE 7F FF FF FF 00"), "ERROR truncated @9");
    EXPECT_EQ(xml_of("1.5", "F8 03 4A 44 FD FF FF FF 00"), "ERROR truncated @8");
    EXPECT_EQ(xml_of("1.5", "F9 FF FF 4A"), "ERROR truncated @4");
    EXPECT_EQ(xml_of("1.5", "F8 02 4A F9 FF FF F8 01 4A"), "ERROR truncated @9");
}

TEST(Malformed, RandomBytesNeverCrash)
{
    std::mt19937 rng(12345);
    for (const char *v : kAllVersions) {
        const Dialect &d = dialect(v);
        for (int i = 0; i < 20000; ++i) {
            std::vector<std::uint8_t> b(1 + rng() % 40);
            for (auto &x : b)
                x = static_cast<std::uint8_t>(rng());
            if (i % 2 == 0)
                b[0] = 0xF8;  // start like a node, so the fuzzing gets past the first byte
            Node tree;
            decode_tree(d, b.data(), b.size(), tree);
            xml_of(d, b);
        }
    }
}

// ---- Scale: a 1 MiB frame of 100,000 nodes decodes completely ----------------------------

TEST(Scale, HundredThousandNodeFrame)
{
    // <iq> with two levels of children: 2 lists of 50,000 <id/> nodes, plus data to ~1 MiB.
    std::vector<std::uint8_t> b = {0xF8, 0x02, 0x4A, 0xF8, 0x02};
    for (int half = 0; half < 2; ++half) {
        b.insert(b.end(), {0xF8, 0x02, 0x4A, 0xF9, 0xC3, 0x50});  // 50,000 children
        for (int i = 0; i < 50000; ++i) {
            b.insert(b.end(), {0xF8, 0x02, 0x44, 0xFC, 0x05});
            b.insert(b.end(), {'a', 'b', 'c', 'd', 'e'});
        }
    }
    EXPECT_GT(b.size(), 1000000u);
    struct Counter : DecodeHandler {
        std::size_t nodes = 0;
        void node_begin(const NodeBegin &) override { ++nodes; }
    } counter;
    DecodeResult r = decode_payload(dialect("1.5"), b.data(), b.size(), counter);
    ASSERT_TRUE(r.ok()) << r.error.message();
    EXPECT_EQ(counter.nodes, 100003u);
    std::string xml = xml_of(dialect("1.5"), b);
    EXPECT_EQ(xml.size(), 3 * 4 + 100000 * std::string("<id>abcde</id>").size() + 3 * 5);
}

}  // namespace
