// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "codec/detect.hpp"
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

TEST(FrameCursor, WalksFramesWithOffsetsAndStopsAtAPartialOne)
{
    // prologue, a frame of 2, a zero-length frame, a frame of 1, then 2 of a frame of 5.
    auto b = hex("57 41 01 05  00 00 02 f8 01  00 00 00  00 00 01 00  00 00 05 f8 01");
    FrameCursor c(b.data(), b.size(), 3, 4);
    FrameStep s = c.next();
    ASSERT_EQ(s.status, FrameStatus::Frame);
    EXPECT_EQ(s.offset, 4u);
    EXPECT_EQ(s.payload_offset(), 7u);
    EXPECT_EQ(c.payload(s), b.data() + 7);
    s = c.next();
    EXPECT_EQ(s.status, FrameStatus::Malformed);
    EXPECT_EQ(s.offset, 9u);
    s = c.next();
    EXPECT_EQ(s.status, FrameStatus::Frame);
    EXPECT_EQ(s.offset, 12u);
    EXPECT_EQ(s.header.length, 1u);
    EXPECT_FALSE(c.at_end());
    for (int again = 0; again < 2; ++again) {  // a partial frame: the cursor stays
        s = c.next();
        EXPECT_EQ(s.status, FrameStatus::NeedMore);
        EXPECT_EQ(s.offset, 16u);
        EXPECT_EQ(s.needed, 8u);
        EXPECT_EQ(c.position(), 16u);
    }
}

TEST(FrameCursor, PartialHeaderNeedsTheHeader)
{
    auto b = hex("00 00 01 00 00 00");
    FrameCursor c(b.data(), b.size(), 3);
    EXPECT_EQ(c.next().status, FrameStatus::Frame);
    FrameStep s = c.next();
    EXPECT_EQ(s.status, FrameStatus::NeedMore);
    EXPECT_EQ(s.needed, 3u);
    FrameCursor empty(b.data(), 0, 3);
    EXPECT_TRUE(empty.at_end());
}

StreamStart classify(const std::string &h)
{
    auto b = hex(h);
    return classify_stream_start(b.data(), b.size(), *dialect_for(Version{1, 5}));
}

TEST(Detect, PrologueFollowedByFramesIsClaimed)
{
    StreamStart s = classify("57 41 01 06 00 00 05 f8 03 01 a0 8a");
    EXPECT_EQ(s.claim, StreamClaim::Prologue);
    EXPECT_EQ(s.version, (Version{1, 6}));
    EXPECT_EQ(classify("57 41 01 05").claim, StreamClaim::Prologue);  // the prologue alone
    // A prologue followed by something that is no frame: not FunXMPP.
    EXPECT_EQ(classify("57 41 01 05 47 45 54 20").claim, StreamClaim::No);
}

TEST(Detect, SuccessorNeedMoreTlsAndMidStream)
{
    EXPECT_EQ(classify("57 41 05 02 00 00 20").claim, StreamClaim::Noise);
    EXPECT_EQ(classify("45 44 00 01 00 00 04").claim, StreamClaim::Noise);
    EXPECT_EQ(classify("57 41 05 02 00 00 20 12").claim, StreamClaim::Noise);
    EXPECT_EQ(classify("57 41 49 54 20 61").claim, StreamClaim::Refused);  // "WAIT a": text
    EXPECT_EQ(classify("45 44 00 01 ff ff ff").claim, StreamClaim::Noise);  // the dissector reports the length
    EXPECT_EQ(classify("57 41 01 03").claim, StreamClaim::Refused);  // 1.3: no client used it
    EXPECT_EQ(classify("57 41").claim, StreamClaim::NeedMore);
    EXPECT_EQ(classify("57").claim, StreamClaim::NeedMore);
    // TLS application data reads as a plausible WA 1.2 frame header, but is TLS.
    EXPECT_EQ(classify("17 03 03 00 20").claim, StreamClaim::No);
    auto tls = hex("16 03 01 02 00");
    EXPECT_TRUE(looks_like_tls_record(tls.data(), tls.size()));
    StreamStart mid = classify("00 00 02 f8 01 80 00 04 aa bb cc dd 00 00 01 00");
    EXPECT_EQ(mid.claim, StreamClaim::MidStream);
    EXPECT_EQ(mid.version, (Version{1, 5}));
    EXPECT_EQ(classify("00 00 02 41 42").claim, StreamClaim::No);  // not a node
    EXPECT_EQ(classify("20 00 02 f8 01").claim, StreamClaim::No);  // reserved flag
    EXPECT_EQ(classify("00 00 00 f8 01").claim, StreamClaim::No);  // zero length
    EXPECT_EQ(classify("").claim, StreamClaim::NeedMore);
}

TEST(Detect, PlausibleFramesJudgeAFrameCutByTheSegment)
{
    auto b = hex("00 00 02 f8 01 00 01 00 f8");  // the second frame goes on later
    EXPECT_TRUE(plausible_frames(b.data(), b.size(), *dialect_for(Version{1, 5})));
    auto c = hex("00 00");  // not even one header
    EXPECT_FALSE(plausible_frames(c.data(), c.size(), *dialect_for(Version{1, 5})));
    auto wa12 = hex("10 00 02 aa bb");  // the client-encrypted flag is WA 1.2's only
    EXPECT_TRUE(plausible_frames(wa12.data(), wa12.size(), *dialect_for(Version{1, 2})));
    EXPECT_FALSE(plausible_frames(wa12.data(), wa12.size(), *dialect_for(Version{1, 5})));
}

}  // namespace
