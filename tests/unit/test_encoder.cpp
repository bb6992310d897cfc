// SPDX-License-Identifier: GPL-2.0-or-later
// The encoder writes the bytes the real clients wrote (the worked examples of spec 8).
#include <gtest/gtest.h>

#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::test;

namespace {

std::string bin(const std::string &h)
{
    auto b = hex(h);
    return std::string(b.begin(), b.end());
}

TEST(Encoder, Wa10LoginOf81)
{
    const Dialect &d = dialect("1.0");
    std::string out = encode_prologue({1, 0});
    out += encode_frame(d, 0, encode_node(d, Node::stream_start().attr("to", "s.whatsapp.net").attr("resource", "iPhone-2.6.7-5222")));
    out += encode_frame(d, 0, encode_node(d, Node::element("stream:features").child(Node::element("receipt_acks"))));
    out += encode_frame(d, 0, encode_node(d, Node::element("auth").attr("mechanism", "DIGEST-MD5-1").attr("xmlns", "urn:ietf:params:xml:ns:xmpp-sasl")));
    EXPECT_EQ(out, bin("57 41 01 00 00 19 F8 05 01 A0 8A 84 FC 11 69 50 68 6F 6E 65 2D 32 2E 36 2E 37 2D 35 32 32 32 "
                       "00 08 F8 02 96 F8 01 F8 01 7E 00 07 F8 05 0F 5A 2A BD A7"));
}

TEST(Encoder, Wa12LoginOf82)
{
    const Dialect &d = dialect("1.2");
    std::string out = encode_prologue({1, 2});
    out += encode_frame(d, 0, encode_node(d, Node::stream_start().attr("to", "s.whatsapp.net").attr("resource", "iPhone-2.8.4-5222")));
    out += encode_frame(d, 0, encode_node(d, Node::element("stream:features").child(Node::element("receipt_acks"))));
    out += encode_frame(d, 0, encode_node(d, Node::element("auth")
                                                 .attr("xmlns", "urn:ietf:params:xml:ns:xmpp-sasl")
                                                 .attr("mechanism", "WAUTH-1")
                                                 .attr("user", "4915112345678")));
    EXPECT_EQ(out, bin("57 41 01 02 00 00 19 F8 05 01 C8 AB A5 FC 11 69 50 68 6F 6E 65 2D 32 2E 38 2E 34 2D 35 32 32 "
                       "32 00 00 08 F8 02 BB F8 01 F8 01 9C 00 00 17 F8 07 10 E8 CF 6D EC DA FC 0D 34 39 31 35 31 31 "
                       "32 33 34 35 36 37 38"));
}

TEST(Encoder, Wa16MessagePacksDigitsOf83)
{
    Node m = Node::element("message");
    m.attr("to", "4915112345678@s.whatsapp.net").attr("type", "text").attr("id", "1431364583-1").attr("t", "1431364583");
    m.child(Node::element("body").text("Hi"));
    std::string payload = encode_node(dialect("1.6"), m);
    EXPECT_EQ(payload, bin("F8 0A 5F B3 FA FF 87 49 15 11 23 45 67 8F 9B B5 AF 4A FF 06 14 31 36 45 83 A1 AE FF 05 14 "
                           "31 36 45 83 F8 01 F8 02 14 FC 02 48 69"));
    EXPECT_EQ(encode_frame(dialect("1.6"), 0, payload).substr(0, 3), bin("00 00 2B"));
}

TEST(Encoder, Wa16PingAndHexPackedReceiptOf84)
{
    const Dialect &d = dialect("1.6");
    Node ping = Node::element("iq");
    ping.attr("id", "03").attr("xmlns", "w:p").attr("type", "get").attr("to", "s.whatsapp.net").child(Node::element("ping"));
    EXPECT_EQ(encode_frame(d, 0, encode_node(d, ping)),
              bin("00 00 12 F8 0A 50 4A FF 01 03 D2 CC B5 42 B3 9B F8 01 F8 01 7D"));
    Node receipt = Node::element("receipt");
    receipt.attr("to", "4915112345678@s.whatsapp.net").attr("id", "A1B2C3D4E5F60718293").attr("type", "read");
    EXPECT_EQ(encode_frame(d, 0, encode_node(d, receipt)),
              bin("00 00 1E F8 07 8C B3 FA FF 87 49 15 11 23 45 67 8F 9B 4A FB 8A A1 B2 C3 D4 E5 F6 07 18 29 3F B5 89"));
}

TEST(Encoder, PresenceOf57)
{
    EXPECT_EQ(encode_node(dialect("1.6"), Node::element("presence").attr("type", "available").attr("name", "Test")),
              bin("F8 05 81 B5 0F 67 FC 04 54 65 73 74"));
}

TEST(Encoder, PackingFollowsTheVersion)
{
    Node n = Node::element("iq");
    n.attr("id", "12");
    EXPECT_EQ(encode_node(dialect("1.4"), n), bin("F8 03 49 43 FC 02 31 32"));  // 1.4 has no packing
    EXPECT_EQ(encode_node(dialect("1.5"), n), bin("F8 03 4A 44 FF 01 12"));
    n.attributes[0].second = "AB";
    EXPECT_EQ(encode_node(dialect("1.5"), n), bin("F8 03 4A 44 FC 02 41 42"));  // no hex packing in 1.5
    EXPECT_EQ(encode_node(dialect("1.6"), n), bin("F8 03 50 4A FB 01 AB"));
    n.attributes[0].second = std::string(128, '1');                            // too long to pack
    EXPECT_EQ(encode_node(dialect("1.6"), n).substr(0, 6), bin("F8 03 50 4A FC 80"));
    EncodeOptions plain;
    plain.pack_strings = false;
    n.attributes[0].second = "12";
    EXPECT_EQ(encode_node(dialect("1.6"), n, plain), bin("F8 03 50 4A FC 02 31 32"));
}

TEST(Encoder, SecondaryTokensAndPages)
{
    const Dialect &d16 = dialect("1.6");
    EXPECT_EQ(encode_node(d16, Node::element("iq").attr("id", "encrypt_group_gen2")), bin("F8 03 50 4A ED 06"));
    const Dialect &d15 = dialect("1.5");
    std::string first = std::string(d15.tokens->secondary_at(0));
    EXPECT_EQ(encode_node(d15, Node::element("iq").attr("id", first)), bin("F8 03 4A 44 EC 00"));
}

TEST(Encoder, BinaryWidthsPerVersion)
{
    std::string big(70000, 'x');
    std::string e15 = encode_node(dialect("1.5"), Node::element("iq").text(big));
    EXPECT_EQ(e15.substr(0, 7), bin("F8 02 4A FD 01 11 70"));
    std::string huge(0x100000, 'y');
    std::string e16 = encode_node(dialect("1.6"), Node::element("iq").text(huge));
    EXPECT_EQ(e16.substr(0, 8), bin("F8 02 50 FE 00 10 00 00"));
    EXPECT_THROW(encode_frame(dialect("1.6"), 0, e16), std::invalid_argument);  // over 20 bits
}

TEST(Encoder, ListSizesAndEmptyChildren)
{
    const Dialect &d = dialect("1.5");
    EXPECT_EQ(encode_node(d, Node::element("iq").empty_children()), bin("F8 02 4A 00"));
    Node many = Node::element("iq");
    for (int i = 0; i < 300; ++i)
        many.child(Node::element("id"));
    EXPECT_EQ(encode_node(d, many).substr(0, 6), bin("F8 02 4A F9 01 2C"));
}

TEST(Encoder, TwoByteHeaderCarriesNoFlags)
{
    EXPECT_THROW(encode_frame(dialect("1.1"), kFlagEncrypted, "x"), std::invalid_argument);
    EXPECT_EQ(encode_frame(dialect("1.6"), kFlagEncrypted | kFlagCompressed, "x"), bin("C0 00 01 78"));
}

}  // namespace
