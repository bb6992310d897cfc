// SPDX-License-Identifier: GPL-2.0-or-later
// The successor's node format (MD, SUCCESSOR 1) as a dialect of the same decoder, encoder
// and XML writer: the plaintext nodes of the spec's test vector (2.6), the tag bytes that
// differ from FunXMPP, every JID form, and encoder round trips.
#include <gtest/gtest.h>

#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "codec/tokens.hpp"
#include "codec/tree.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::test;

namespace {

TEST(Md, DialectsByPrologueMinor)
{
    EXPECT_EQ(dialect_for({6, 3})->tokens, find_token_dictionary("md-v3"));
    EXPECT_EQ(dialect_for({6, 2})->tokens, find_token_dictionary("md-v2"));
    EXPECT_EQ(dialect_for({5, 2})->tokens, find_token_dictionary("md-v2"));
    EXPECT_EQ(dialect_for({6, 4}), nullptr);
    EXPECT_EQ(dialect_for({2, 1}), nullptr);
    // Spec 1.2's sanity values of v3.
    const TokenDictionary &v3 = *find_token_dictionary("md-v3");
    EXPECT_EQ(v3.primary_at(0x03), "s.whatsapp.net");
    EXPECT_EQ(v3.primary_at(0x13), "message");
    EXPECT_EQ(v3.primary_at(0x35), "handshake");
    EXPECT_EQ(v3.secondary_at(2 * 256 + 60), "failure");
}

TEST(Md, PlaintextNodesOfTheTestVector)
{
    EXPECT_EQ(xml_of("6.3", "f80a190855042916571103f801f80156"),
              "<iq id=\"1\" type=\"get\" xmlns=\"w:p\" to=\"s.whatsapp.net\"><ping/></iq>");
    EXPECT_EQ(xml_of("6.3", "f8081308fb0a3eb0c0ffee001122334411faff874915112345678f030438f801f8061d5145044dfc0433089a01"),
              "<message id=\"3EB0C0FFEE0011223344\" to=\"4915112345678@s.whatsapp.net\" type=\"text\">"
              "<enc v=\"2\" type=\"msg\">33089a01</enc></message>");
    EXPECT_EQ(xml_of("6.3", "f80b4c1aff0517000000005c454b553dfc036672633cff051600000000"),
              "<success t=\"1700000000\" props=\"2\" abprops=\"1\" location=\"frc\" creation=\"1600000000\"/>");
    EXPECT_EQ(xml_of("6.3", "f80719060308550414"), "<iq from=\"s.whatsapp.net\" id=\"1\" type=\"result\"/>");
}

TEST(Md, TagBytesThatDifferFromFunXmpp)
{
    // No stream start or end: 0x01/0x02 are tokens, <xmlstreamend/> an ordinary node.
    EXPECT_EQ(xml_of("6.3", "f80102"), "<xmlstreamend/>");
    EXPECT_EQ(xml_of("6.3", "f80101"), "<xmlstreamstart/>");
    EXPECT_EQ(xml_of("6.3", "00"), "ERROR empty node @0");  // no keep-alive byte either
    for (const char *unused : {"f0", "f1", "f2", "f3", "f4"})  // as an attribute key
        EXPECT_EQ(xml_of("6.3", std::string("f80304") + unused), "ERROR invalid lead byte @3") << unused;
    // Four double-byte pages; BINARY_20 keeps 20 bits of its length.
    EXPECT_EQ(xml_of("6.3", "f801ee3c"), "<failure/>");
    EXPECT_EQ(xml_of("6.3", "f80213fdf0000248 69"), "<message>Hi</message>");
}

TEST(Md, EveryJidForm)
{
    // AD_JID: domain 0/1/128/129 name the server; device 0 is left out; another byte is an agent.
    EXPECT_EQ(xml_of("6.3", "f8031911f70005ff874915112345678f"), "<iq to=\"4915112345678:5@s.whatsapp.net\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911f70100ff874915112345678f"), "<iq to=\"4915112345678@lid\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911f78002fc0131"), "<iq to=\"1:2@hosted\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911f78100fc0131"), "<iq to=\"1@hosted.lid\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911f70703fc0131"), "<iq to=\"1.7:3@s.whatsapp.net\"/>");
    // FB_JID and INTEROP_JID carry 16-bit numbers and their server string.
    EXPECT_EQ(xml_of("6.3", "f8031911f6fc013100cccc"), "<iq to=\"1:204@msgr\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911f5fc0131000200 07fc07696e7465726f70"), "<iq to=\"7-1:2@interop\"/>");
    // JID_PAIR with no user, a JID inside a JID, and cut short.
    EXPECT_EQ(xml_of("6.3", "f8031911fa0003"), "<iq to=\"s.whatsapp.net\"/>");
    EXPECT_EQ(xml_of("6.3", "f8031911faf7000000"), "ERROR nested JID @5");
    EXPECT_EQ(xml_of("6.3", "f8031911f6fc0131cc"), "ERROR truncated @8");
    // FunXMPP has none of these forms.
    EXPECT_EQ(xml_of("1.6", "f80319 11f70005fc0131").substr(0, 24), "ERROR invalid lead byte ");
}

TEST(Md, EncoderRoundTripsBothDictionaries)
{
    for (const char *version : {"6.2", "6.3"}) {
        const Dialect &d = dialect(version);
        Node n = Node::element("message")
                     .attr("to", "4915112345678:12@s.whatsapp.net")
                     .attr("participant", "99887766@lid")
                     .attr("from", "100.3:4@s.whatsapp.net")
                     .attr("recipient", "555:7@msgr")
                     .attr("peer", "12-777:1@interop")
                     .attr("group", "120363000000000000@g.us")
                     .attr("id", "3EB0C0FFEE0011223344");
        n.child(Node::element("enc").attr("v", "2").text(std::string("\x33\x08\x9a\x01", 4)));
        n.child(Node::element("xmlstreamend"));
        const std::string bytes = encode_node(d, n);
        EXPECT_EQ(xml_of(d, std::vector<std::uint8_t>(bytes.begin(), bytes.end())), to_xml(n)) << version;
    }
    EXPECT_THROW(encode_node(dialect("6.3"), Node::stream_start()), std::invalid_argument);
}

TEST(Md, FramesHaveAPlainTwentyFourBitLength)
{
    auto b = hex("10 00 02 00 f8");  // 0x100002 bytes: no flags nibble in MD headers
    FrameCursor c(b.data(), b.size(), dialect("6.3"));
    FrameStep s = c.next();
    EXPECT_EQ(s.status, FrameStatus::NeedMore);
    EXPECT_EQ(s.header.length, 0x100002u);
    EXPECT_EQ(s.header.flags, 0);
}

}  // namespace
