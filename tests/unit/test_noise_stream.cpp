// SPDX-License-Identifier: GPL-2.0-or-later
// The successor's byte streams (SUCCESSOR 2.1): units (routing prefix, prologue, frames),
// recognising a client stream, and which frame of a connection is which handshake message.
#include <gtest/gtest.h>

#include "codec/handshake.hpp"
#include "codec/noise_stream.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::noise;
using namespace funxmpp::test;

namespace {

StreamUnit unit(const char *hex_text, Phase phase)
{
    const std::vector<std::uint8_t> b = hex(hex_text);
    return next_unit(b.data(), b.size(), phase);
}

Recognition recognise(const char *hex_text)
{
    const std::vector<std::uint8_t> b = hex(hex_text);
    return recognise_client_start(b.data(), b.size());
}

TEST(NoiseStream, RoutingPrefixThenPrologueThenFrames)
{
    StreamUnit u = unit("45 44 00 01 00 00 05 08 09 08 02 18 57 41", Phase::ClientStart);
    EXPECT_EQ(u.status, UnitStatus::Unit);
    EXPECT_EQ(u.kind, UnitKind::RoutingPrefix);
    EXPECT_EQ(u.size, 12u);
    EXPECT_EQ(u.length, 5u);
    EXPECT_EQ(phase_after(Phase::ClientStart, u), Phase::AfterPrefix);

    u = unit("57 41 06 03 00 00 24", Phase::AfterPrefix);
    EXPECT_EQ(u.status, UnitStatus::Unit);
    EXPECT_EQ(u.kind, UnitKind::Prologue);
    EXPECT_EQ(u.size, 4u);
    EXPECT_EQ(u.version, (Version{6, 3}));
    EXPECT_EQ(phase_after(Phase::AfterPrefix, u), Phase::Frames);

    u = unit("00 00 02 aa bb cc", Phase::Frames);
    EXPECT_EQ(u.status, UnitStatus::Unit);
    EXPECT_EQ(u.kind, UnitKind::Frame);
    EXPECT_EQ(u.size, 5u);
    EXPECT_EQ(u.length, 2u);
}

TEST(NoiseStream, NeedMoreSaysHowMuch)
{
    EXPECT_EQ(unit("45 44 00 01 00", Phase::ClientStart).status, UnitStatus::NeedMore);
    EXPECT_EQ(unit("45 44 00 01 00", Phase::ClientStart).size, kRoutingHeader);
    StreamUnit u = unit("45 44 00 01 00 00 05 08", Phase::ClientStart);
    EXPECT_EQ(u.status, UnitStatus::NeedMore);
    EXPECT_EQ(u.size, 12u);
    EXPECT_EQ(unit("57 41 06", Phase::ClientStart).status, UnitStatus::NeedMore);
    u = unit("00 01 00 aa", Phase::Frames);
    EXPECT_EQ(u.status, UnitStatus::NeedMore);
    EXPECT_EQ(u.size, 3u + 256u);
    EXPECT_EQ(unit("00 01", Phase::Frames).size, kFrameHeader);
    // Lengths up to 16 MiB - 1 are frames like any other (the wait is TCP's).
    EXPECT_EQ(unit("ff ff ff", Phase::Frames).size, 3u + 0xFFFFFFu);
}

TEST(NoiseStream, ProblemsAreSaid)
{
    StreamUnit u = unit("00 00 00 00 00 01 aa", Phase::Frames);
    EXPECT_EQ(u.status, UnitStatus::Malformed);
    EXPECT_EQ(u.problem, UnitProblem::ZeroLength);
    EXPECT_EQ(u.size, 3u);  // skipped: the next frame follows
    u = unit("45 44 00 01 ff ff ff 00", Phase::ClientStart);
    EXPECT_EQ(u.status, UnitStatus::Malformed);
    EXPECT_EQ(u.problem, UnitProblem::RoutingTooLong);
    EXPECT_EQ(u.size, 0u);  // the stream is lost
    u = unit("00 00 01 aa", Phase::AfterPrefix);
    EXPECT_EQ(u.status, UnitStatus::Unit);
    EXPECT_EQ(u.kind, UnitKind::Frame);
    EXPECT_EQ(u.problem, UnitProblem::NoPrologue);
}

TEST(NoiseStream, RecognisesClientStarts)
{
    EXPECT_EQ(recognise("57 41 06 03 00 00 24 12 22"), Recognition::Yes);
    EXPECT_EQ(recognise("57 41 05 02"), Recognition::Yes);
    EXPECT_EQ(recognise("57 41 02 00"), Recognition::Yes);  // the 2017 mobile app
    EXPECT_EQ(recognise("45 44 00 01 00 00 05 08 09 08 02 18 57 41 05 02"), Recognition::Yes);
    EXPECT_EQ(recognise("45 44 00 01 00 00 05 08 09 08 02 18 57"), Recognition::Yes);
    EXPECT_EQ(recognise("45 44 00 01 00"), Recognition::Yes);
    EXPECT_EQ(recognise("45 44 00"), Recognition::NeedMore);  // a text "E", "ED": not yet
    EXPECT_EQ(recognise("45"), Recognition::NeedMore);
    EXPECT_EQ(recognise("57 41 06"), Recognition::NeedMore);
    EXPECT_EQ(recognise("57"), Recognition::NeedMore);
    EXPECT_EQ(recognise("57 41 01 05"), Recognition::No);  // FunXMPP
    EXPECT_EQ(recognise("57 41 49 54"), Recognition::No);  // "WAIT"
    EXPECT_EQ(recognise("57 41 05 20"), Recognition::No);
    EXPECT_EQ(recognise("45 44 00 01 00 00 01 aa 47 45"), Recognition::No);  // prefix, then no "WA"
    EXPECT_EQ(recognise("47 45 54 20"), Recognition::No);
}

TEST(NoiseStream, KnownVersions)
{
    for (Version v : {Version{2, 0}, Version{4, 0}, Version{5, 2}, Version{6, 2}, Version{6, 3}})
        EXPECT_TRUE(known_successor_version(v)) << v.to_string();
    for (Version v : {Version{6, 4}, Version{7, 1}, Version{3, 0}})
        EXPECT_FALSE(known_successor_version(v)) << v.to_string();
}

std::string client_hello(bool ik)
{
    return encode_client_hello(std::string(32, 'e'), ik ? std::string(48, 's') : "", ik ? "payload" : "");
}

FrameAssignment assign(NoiseProgress &p, int dir, const std::string &payload)
{
    return p.assign(dir, reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size());
}

TEST(NoiseStream, XxRolesAndCounters)
{
    NoiseProgress p;
    FrameAssignment a = assign(p, 0, client_hello(false));
    EXPECT_EQ(a.role, FrameRole::ClientHello);
    EXPECT_EQ(a.pattern, Pattern::XX);
    a = assign(p, 1, encode_server_hello(std::string(32, 'e'), std::string(48, 's'), "cert"));
    EXPECT_EQ(a.role, FrameRole::ServerHello);
    EXPECT_EQ(a.pattern, Pattern::XX);
    a = assign(p, 1, std::string(40, 'x'));
    EXPECT_EQ(a.role, FrameRole::Transport);
    EXPECT_EQ(a.counter, 0u);
    a = assign(p, 0, encode_client_finish(std::string(48, 's'), "payload"));
    EXPECT_EQ(a.role, FrameRole::ClientFinish);
    for (std::uint32_t i = 0; i < 3; ++i) {
        a = assign(p, 0, std::string(40, 'x'));
        EXPECT_EQ(a.role, FrameRole::Transport);
        EXPECT_EQ(a.counter, i);
    }
    EXPECT_EQ(assign(p, 1, std::string(40, 'x')).counter, 1u);
}

TEST(NoiseStream, IkHasNoClientFinish)
{
    NoiseProgress p;
    EXPECT_EQ(assign(p, 0, client_hello(true)).pattern, Pattern::IK);
    // Even a frame that reads as a ClientFinish is a transport frame in IK.
    FrameAssignment a = assign(p, 0, encode_client_finish(std::string(48, 's'), "payload"));
    EXPECT_EQ(a.role, FrameRole::Transport);
    EXPECT_EQ(a.counter, 0u);
}

TEST(NoiseStream, XxFallback)
{
    NoiseProgress p;
    assign(p, 0, client_hello(true));
    FrameAssignment a = assign(p, 1, encode_server_hello(std::string(32, 'e'), std::string(48, 's'), "cert"));
    EXPECT_EQ(a.pattern, Pattern::XXfallback);
    EXPECT_EQ(assign(p, 0, encode_client_finish(std::string(48, 's'), "payload")).role, FrameRole::ClientFinish);
    EXPECT_EQ(assign(p, 0, std::string(40, 'x')).counter, 0u);
}

TEST(NoiseStream, GarbageClientHelloLetsTheNextFrameSay)
{
    NoiseProgress p;
    EXPECT_EQ(assign(p, 0, std::string("\xff\xff\xff", 3)).role, FrameRole::ClientHello);
    EXPECT_EQ(assign(p, 0, std::string(40, 'x')).role, FrameRole::Transport);
    NoiseProgress q;
    assign(q, 0, std::string("\xff\xff\xff", 3));
    EXPECT_EQ(assign(q, 0, encode_client_finish(std::string(48, 's'), "p")).role, FrameRole::ClientFinish);
}

}  // namespace
