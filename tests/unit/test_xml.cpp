// SPDX-License-Identifier: GPL-2.0-or-later
// Canonical XML (DESIGN 2.2): escaping, the text/binary rule, stream nodes, pretty form.
#include <gtest/gtest.h>

#include <string_view>

#include "codec/text.hpp"
#include "codec/tree.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

TEST(TextRule, Utf8WithoutControlsIsText)
{
    EXPECT_TRUE(is_text(""));
    EXPECT_TRUE(is_text("Hi there"));
    EXPECT_TRUE(is_text("tab\tlf\ncr\r"));
    EXPECT_TRUE(is_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
}

TEST(TextRule, EverythingElseIsBinary)
{
    EXPECT_FALSE(is_text(std::string("a\0b", 3)));
    EXPECT_FALSE(is_text("bell\x07"));
    EXPECT_FALSE(is_text("del\x7F"));
    EXPECT_FALSE(is_text("\xC2\x85"));              // U+0085, a C1 control
    EXPECT_FALSE(is_text("\xC0\xAF"));              // overlong '/'
    EXPECT_FALSE(is_text("\xED\xA0\x80"));          // surrogate
    EXPECT_FALSE(is_text("\xF4\x90\x80\x80"));      // beyond U+10FFFF
    EXPECT_FALSE(is_text("\xE2\x82"));              // truncated sequence
    EXPECT_FALSE(is_text("\x80"));                  // stray continuation
    EXPECT_FALSE(is_text("\xFF\xFE"));
}

TEST(Xml, EscapingInTextAndAttributes)
{
    Node n = Node::element("body");
    n.attr("name", "a&b<c>\"d\"").text("x & y < z > \"q\"");
    EXPECT_EQ(to_xml(n), "<body name=\"a&amp;b&lt;c&gt;&quot;d&quot;\">x &amp; y &lt; z &gt; \"q\"</body>");
}

TEST(Xml, BinaryBecomesLowercaseHex)
{
    Node n = Node::element("challenge");
    n.attr("k", std::string("\x01\xAB", 2)).text(std::string("\x00\xff\x10", 3));
    EXPECT_EQ(to_xml(n), "<challenge k=\"01ab\">00ff10</challenge>");
    // Through the decoder as well: 1.5 <success> with 4 binary bytes.
    const Dialect &d = test::dialect("1.5");
    EXPECT_EQ(test::xml_of(d, {0xF8, 0x02, test::token_byte(d, "success"), 0xFC, 0x04, 0xDE, 0xAD, 0xBE, 0xEF}),
              "<success>deadbeef</success>");
}

TEST(Xml, EmptyContentFormsDiffer)
{
    EXPECT_EQ(to_xml(Node::element("a")), "<a/>");
    EXPECT_EQ(to_xml(Node::element("a").empty_children()), "<a></a>");
    EXPECT_EQ(to_xml(Node::element("a").text("")), "<a></a>");
}

TEST(Xml, AttributesInWireOrderAndChildrenWithoutWhitespace)
{
    Node n = Node::element("iq");
    n.attr("type", "get").attr("id", "1").attr("to", "s.whatsapp.net");
    n.child(Node::element("query").attr("xmlns", "jabber:iq:privacy").child(Node::element("list").attr("name", "default")));
    n.child(Node::element("ping"));
    EXPECT_EQ(to_xml(n), "<iq type=\"get\" id=\"1\" to=\"s.whatsapp.net\"><query xmlns=\"jabber:iq:privacy\">"
                         "<list name=\"default\"/></query><ping/></iq>");
}

TEST(Xml, StreamStartIsNeverClosedAndStreamEndStandsAlone)
{
    Node s = Node::stream_start();
    s.attr("to", "s.whatsapp.net").attr("resource", "S40-2.12.68-443");
    EXPECT_EQ(to_xml(s), "<stream:stream to=\"s.whatsapp.net\" resource=\"S40-2.12.68-443\">");
    EXPECT_EQ(to_xml(Node::stream_start()), "<stream:stream>");
    EXPECT_EQ(to_xml(Node::stream_end()), "</stream:stream>");
}

TEST(Xml, JidTextRuleAppliesToTheJoinedString)
{
    // user = binary 0x01 0x02 (not text) -> the whole JID as hex, '@' included.
    EXPECT_EQ(test::xml_of("1.5", "F8 03 4A A5 FA FC 02 01 02 91"), "<iq to=\"0102407" "32e77686174736170702e6e6574\"/>");
}

TEST(Xml, PrettyIndentsChildren)
{
    Node n = Node::element("iq");
    n.attr("id", "1").child(Node::element("query").child(Node::element("item"))).child(Node::element("body").text("Hi"));
    EXPECT_EQ(to_xml(n, true), "<iq id=\"1\">\n  <query>\n    <item/>\n  </query>\n  <body>Hi</body>\n</iq>");
}

}  // namespace

namespace {

TEST(Hex, ParsesPairsSkippingSeparators)
{
    EXPECT_EQ(funxmpp::parse_hex("f8 05:01\nA5"), std::string("\xf8\x05\x01\xa5", 4));
    EXPECT_EQ(funxmpp::parse_hex(""), std::string());
    EXPECT_FALSE(funxmpp::parse_hex("f8 0"));   // odd number of digits
    EXPECT_FALSE(funxmpp::parse_hex("0xf8"));   // 'x' is no hex digit
    EXPECT_FALSE(funxmpp::parse_hex("zz"));
}

TEST(Hex, EveryByteValueAsADigitOrNot)
{
    // The digits' values are their places in these strings; every other byte is no digit.
    const std::string_view lower = "0123456789abcdef", upper = "0123456789ABCDEF";
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        const std::size_t in_lower = lower.find(ch);
        const std::size_t at = in_lower != std::string_view::npos ? in_lower : upper.find(ch);
        const int expected = at != std::string_view::npos ? static_cast<int>(at) : -1;
        EXPECT_EQ(funxmpp::hex_digit_value(ch), expected) << "byte " << c;
    }
}

}  // namespace
