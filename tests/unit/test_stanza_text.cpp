// SPDX-License-Identifier: GPL-2.0-or-later
// The Info-column summary and the encoding labels of the tree.
#include <gtest/gtest.h>

#include "display/stanza_text.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

std::string summary(const char *version, const std::string &hex)
{
    auto b = test::hex(hex);
    return render_stanza(test::dialect(version), b.data(), b.size()).summary;
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
    StanzaText t = render_stanza(test::dialect("1.5"), b.data(), b.size());
    EXPECT_FALSE(t.result.ok());
    EXPECT_EQ(t.xml, "");
    EXPECT_EQ(t.summary, "iq");
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
