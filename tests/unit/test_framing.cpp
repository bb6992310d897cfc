// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "codec/framing.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using funxmpp::test::hex;

namespace {

Prologue prologue(const std::string &h)
{
    auto b = hex(h);
    return parse_prologue(b.data(), b.size());
}

TEST(Prologue, KnownFunXmppVersions)
{
    for (const char *v : {"0004", "0100", "0101", "0102", "0104", "0105", "0106"}) {
        Prologue p = prologue(std::string("5741") + v);
        EXPECT_EQ(p.kind, StreamKind::FunXmpp) << v;
        EXPECT_EQ(p.size, 4u);
    }
    EXPECT_EQ(prologue("57410105").version, (Version{1, 5}));
}

TEST(Prologue, UnknownAndSuccessorAndOther)
{
    EXPECT_EQ(prologue("57410103").kind, StreamKind::UnknownFunXmpp);
    EXPECT_EQ(prologue("57410107").kind, StreamKind::UnknownFunXmpp);
    EXPECT_EQ(prologue("57410201").kind, StreamKind::Successor);
    EXPECT_EQ(prologue("57410502").kind, StreamKind::Successor);
    EXPECT_EQ(prologue("57410602").kind, StreamKind::Successor);
    EXPECT_EQ(prologue("45440001").kind, StreamKind::Successor);
    EXPECT_EQ(prologue("160301").kind, StreamKind::NotWhatsApp);  // TLS
    EXPECT_EQ(prologue("5742").kind, StreamKind::NotWhatsApp);
    EXPECT_EQ(prologue("").kind, StreamKind::NeedMore);
    EXPECT_EQ(prologue("57").kind, StreamKind::NeedMore);
    EXPECT_EQ(prologue("574101").kind, StreamKind::NeedMore);
    EXPECT_EQ(prologue("454400").kind, StreamKind::NeedMore);
}

TEST(Frame, ThreeByteHeader)
{
    auto b = hex("80 00 03 aa bb cc dd");
    FrameParse f = parse_frame(b.data(), b.size(), 3);
    ASSERT_EQ(f.status, FrameStatus::Frame);
    EXPECT_EQ(f.header.flags, 0x8);
    EXPECT_EQ(f.header.length, 3u);
    EXPECT_TRUE(f.header.encrypted());
    EXPECT_FALSE(f.header.compressed());
    EXPECT_EQ(f.header.total_size(), 6u);
}

TEST(Frame, TwentyBitLengthAndFlags)
{
    auto b = hex("cf ff ff");
    FrameParse f = parse_frame(b.data(), b.size(), 3);
    EXPECT_EQ(f.status, FrameStatus::NeedMore);
    EXPECT_EQ(f.header.length, 0xFFFFFu);
    EXPECT_EQ(f.needed, 0xFFFFFu + 3);
    EXPECT_TRUE(f.header.encrypted());
    EXPECT_TRUE(f.header.compressed());
}

TEST(Frame, ClientEncryptedFlagOfWa12)
{
    auto b = hex("10 00 01 00");
    FrameParse f = parse_frame(b.data(), b.size(), 3);
    ASSERT_EQ(f.status, FrameStatus::Frame);
    EXPECT_EQ(f.header.flags, 0x1);
    EXPECT_TRUE(f.header.encrypted());
}

TEST(Frame, TwoByteHeaderHasNoFlags)
{
    auto b = hex("80 01 ff");
    FrameParse f = parse_frame(b.data(), b.size(), 2);
    EXPECT_EQ(f.status, FrameStatus::NeedMore);
    EXPECT_EQ(f.header.flags, 0);
    EXPECT_EQ(f.header.length, 0x8001u);
    EXPECT_FALSE(f.header.encrypted());
}

TEST(Frame, NeedMoreForHeaderThenPayload)
{
    auto b = hex("00 00 05 f8 01");
    EXPECT_EQ(parse_frame(b.data(), 2, 3).status, FrameStatus::NeedMore);
    EXPECT_EQ(parse_frame(b.data(), 2, 3).needed, 3u);
    FrameParse f = parse_frame(b.data(), b.size(), 3);
    EXPECT_EQ(f.status, FrameStatus::NeedMore);
    EXPECT_EQ(f.needed, 8u);
}

TEST(Frame, ZeroLengthIsMalformedButSkippable)
{
    auto b = hex("00 00 00 00 00 01 00");
    FrameParse f = parse_frame(b.data(), b.size(), 3);
    EXPECT_EQ(f.status, FrameStatus::Malformed);
    EXPECT_EQ(f.header.total_size(), 3u);
    f = parse_frame(b.data() + 3, b.size() - 3, 3);
    EXPECT_EQ(f.status, FrameStatus::Frame);
}

}  // namespace
