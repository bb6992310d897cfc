// SPDX-License-Identifier: GPL-2.0-or-later
// The Info-column summary and the encoding labels of the tree.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "codec/encoder.hpp"
#include "codec/tree.hpp"
#include "display/stanza_text.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

std::string summary(const char *version, const std::string &hex)
{
    auto b = test::hex(hex);
    return decode_stanza(test::dialect(version), b.data(), b.size()).summary;
}

TEST(StanzaText, SummaryNamesTagPeersAndType)
{
    EXPECT_EQ(summary("1.6", "F8 0A 5F B3 FA FF 87 49 15 11 23 45 67 8F 9B B5 AF 4A FF 06 14 31 36 45 83 A1 AE FF 05 14 "
                             "31 36 45 83 F8 01 F8 02 14 FC 02 48 69"),
              "message to=4915112345678@s.whatsapp.net type=text");
    EXPECT_EQ(summary("1.6", "F8 05 81 B5 0F 67 FC 04 54 65 73 74"), "presence available");
    EXPECT_EQ(summary("1.5", "F8 01 02"), "stream end");
    EXPECT_EQ(summary("1.5", "F8 03 01 3A 91"), "stream:stream from=s.whatsapp.net");
    EXPECT_EQ(summary("1.5", "00"), "keep-alive");
}

TEST(StanzaText, XmlOnlyForCompleteStanzas)
{
    auto b = test::hex("F8 03 4A 44 FC 05 41");
    StanzaText t = decode_stanza(test::dialect("1.5"), b.data(), b.size());
    EXPECT_FALSE(t.result.ok());
    EXPECT_EQ(t.xml, "");
    EXPECT_EQ(t.summary, "iq");
}

// The top-level element's type, from, to and id for per-stanza rows: the first of each, as
// its value reads (XML's text unescaped), "present" telling an empty value from none.
TEST(StanzaText, HeadKeepsTheFirstTypeFromToAndIdOfTheTopElement)
{
    const Dialect &d = test::dialect("1.5");
    Node m = Node::element("message").attr("to", "4915112345678@s.whatsapp.net").attr("id", "a\"b<c")
                 .attr("type", "").attr("id", "second");
    Node body = Node::element("body").attr("from", "inner");
    body.text("hi");
    m.child(body);
    const std::string bytes = encode_node(d, m);
    StanzaWants wants;
    wants.head = true;
    StanzaText t = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), wants);
    ASSERT_TRUE(t.result.ok());
    EXPECT_TRUE(t.head.to.present);
    EXPECT_EQ(t.head.to.value, "4915112345678@s.whatsapp.net");
    EXPECT_TRUE(t.head.id.present);
    EXPECT_EQ(t.head.id.value, "a\"b<c");  // the first id; XML writes it a&quot;b&lt;c
    EXPECT_TRUE(t.head.type.present);
    EXPECT_EQ(t.head.type.value, "");
    EXPECT_FALSE(t.head.from.present);  // (the child's from is not the stanza's)
    // Not wanted: not kept.
    StanzaText plain = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    EXPECT_FALSE(plain.head.to.present);
}

// An arena for tests: blocks freed with it.
struct TestArena {
    std::vector<std::unique_ptr<char[]>> blocks;
    static void *allocate(void *self, std::size_t n)
    {
        auto &a = *static_cast<TestArena *>(self);
        a.blocks.push_back(std::make_unique<char[]>(n));
        return a.blocks.back().get();
    }
    Arena arena() { return Arena{&TestArena::allocate, this}; }
};

TEST(StanzaText, OneDecodeFeedsXmlSummaryLoginAndARecording)
{
    const Dialect &d = test::dialect("1.5");
    Node auth = Node::element("auth").attr("mechanism", "WAUTH-2").attr("user", "4915112345678");
    auth.text(std::string("\x01\x02blob", 6));
    const std::string bytes = encode_node(d, auth);
    TestArena memory;
    const Arena arena = memory.arena();
    StanzaWants wants;
    wants.login = true;
    wants.record = &arena;
    StanzaText t = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), wants);
    ASSERT_TRUE(t.result.ok());
    EXPECT_EQ(t.xml, to_xml(auth));
    EXPECT_EQ(t.summary, "auth");
    EXPECT_EQ(t.login.tag, "auth");
    EXPECT_EQ(t.login.user, "4915112345678");  // nibble-packed: the recording keeps its own copy
    EXPECT_EQ(t.login.mechanism, "WAUTH-2");
    EXPECT_TRUE(t.login.has_data);
    EXPECT_EQ(t.login.content, std::string("\x01\x02blob", 6));
    // The recording replays as the decoder emitted it: the same XML, written afterwards.
    std::string again;
    XmlWriter writer(again);
    replay(t.events, writer);
    EXPECT_EQ(again, t.xml);
    EXPECT_GT(t.events.events, 4u);
}

TEST(StanzaText, RecordingsKeepTheNumbersOfTheSuccessorsJids)
{
    // AD_JID device and agent, FB_JID device, INTEROP_JID integrator: the tree is built from the
    // recording, so what it shows must be what funxmpp.xml says (a device once went missing).
    TestArena memory;
    const Arena arena = memory.arena();
    StanzaWants wants;
    wants.record = &arena;
    for (const char *stanza : {"f8031911f70005ff874915112345678f", "f8031911f70703fc0131", "f8031911f6fc013100cccc",
                               "f8031911f5fc0131000200 07fc07696e7465726f70"}) {
        auto b = test::hex(stanza);
        StanzaText t = decode_stanza(test::dialect("6.3"), b.data(), b.size(), wants);
        ASSERT_TRUE(t.result.ok()) << stanza;
        std::string again;
        XmlWriter writer(again);
        replay(t.events, writer);
        EXPECT_EQ(again, t.xml) << stanza;
    }
}

TEST(StanzaText, LongRecordingsSpanBlocksAndMalformedStanzasHaveNoLoginFacts)
{
    const Dialect &d = test::dialect("1.5");
    Node list = Node::element("list");
    for (int i = 0; i < 100; ++i)
        list.child(Node::element("item").attr("id", std::to_string(1000 + i)));
    const std::string bytes = encode_node(d, list);
    TestArena memory;
    const Arena arena = memory.arena();
    StanzaWants wants;
    wants.record = &arena;
    wants.login = true;
    StanzaText t = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), wants);
    EXPECT_GT(t.events.events, RecordedBlock::kEvents);
    std::string again;
    XmlWriter writer(again);
    replay(t.events, writer);
    EXPECT_EQ(again, to_xml(list));

    StanzaText cut = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size() - 3, wants);
    EXPECT_FALSE(cut.result.ok());
    EXPECT_EQ(cut.login.tag, "");
    EXPECT_EQ(cut.xml, "");
}

TEST(StanzaText, EncodingLabels)
{
    auto label = [](StringValue s) {
        char buf[128];
        BoundedText out(buf, sizeof buf);
        describe_encoding(out, s);
        return std::string(out.c_str());
    };
    StringValue s;
    s.encoding = Encoding::Token;
    s.index = 0xA7;
    EXPECT_EQ(label(s), "token 0xA7");
    s.encoding = Encoding::SecondaryToken;
    s.lead = 0xED;
    s.page = 1;
    s.index = 0x06;
    EXPECT_EQ(label(s), "secondary token 0xED 0x06 (page 1, index 0x06)");
    s.encoding = Encoding::Nibble;
    s.bytes = "4915112345678";
    EXPECT_EQ(label(s), "nibble-packed, 13 characters");
    s.encoding = Encoding::Binary8;
    s.bytes = "Hi";
    EXPECT_EQ(label(s), "binary8, 2 bytes");
}

}  // namespace

// The envelopes Info, the stream view and filter-only passes read are the ones the element tree
// shows (ProtoTreeBuilder::data): every <enc> with binary content, a <plaintext>'s bytes, the
// innermost <enc> of nested ones, and one whose content is no bytes (listed, to be called
// malformed); not an <enc> of another version.
TEST(StanzaText, EnvelopesAreTheOnesTheTreeShows)
{
    const Dialect &d = test::dialect("6.3");
    const std::string payload("\x33\x0a\x02\x01\x02", 5);
    Node message = Node::element("message").attr("to", "4915112345678@s.whatsapp.net");
    message.child(Node::element("enc").attr("v", "2").attr("type", "msg").text(payload));
    message.child(Node::element("plaintext").text(payload));
    message.child(Node::element("enc").attr("v", "2").attr("type", "msg").child(
        Node::element("enc").attr("v", "2").attr("type", "skmsg").text(payload)));
    message.child(Node::element("enc").attr("v", "1").attr("type", "msg").text(payload));
    const std::string bytes = encode_node(d, message);
    StanzaText t = decode_stanza(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    ASSERT_TRUE(t.result.ok());
    ASSERT_EQ(t.envelopes.size(), 3u) << t.xml;
    EXPECT_EQ(t.envelopes[0].type, e2e::EnvelopeType::Msg);
    EXPECT_FALSE(t.envelopes[0].plaintext || t.envelopes[0].not_bytes);
    EXPECT_EQ(bytes.substr(t.envelopes[0].offset, t.envelopes[0].length), payload);
    EXPECT_TRUE(t.envelopes[1].plaintext);
    EXPECT_EQ(bytes.substr(t.envelopes[1].offset, t.envelopes[1].length), payload);
    EXPECT_EQ(t.envelopes[2].type, e2e::EnvelopeType::SenderKeyMsg);
    EXPECT_EQ(bytes.substr(t.envelopes[2].offset, t.envelopes[2].length), payload);

    // <enc v="2" type="msg"> holding 20 digits packed into nibbles (1.6): the whole value listed.
    auto packed = test::hex("f806d7c6ff812fb565ff0a12345678901234567890");
    StanzaText digits = decode_stanza(test::dialect("1.6"), packed.data(), packed.size());
    ASSERT_TRUE(digits.result.ok());
    ASSERT_EQ(digits.envelopes.size(), 1u) << digits.xml;
    EXPECT_TRUE(digits.envelopes[0].not_bytes);
    EXPECT_EQ(digits.envelopes[0].offset, 9u);   // the 0xFF lead byte
    EXPECT_EQ(digits.envelopes[0].length, 12u);  // lead, length, ten bytes of digits
}
