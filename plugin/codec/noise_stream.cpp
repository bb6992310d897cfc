// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/noise_stream.hpp"

namespace funxmpp::noise {

namespace {

constexpr std::uint8_t kRouting[4] = {'E', 'D', 0x00, 0x01};

std::uint32_t u24(const std::uint8_t *p)
{
    return static_cast<std::uint32_t>(p[0] << 16 | p[1] << 8 | p[2]);
}

bool starts_with(const std::uint8_t *data, std::size_t size, const std::uint8_t *magic, std::size_t n)
{
    for (std::size_t i = 0; i < n && i < size; ++i)
        if (data[i] != magic[i])
            return false;
    return true;
}

StreamUnit frame_at(const std::uint8_t *data, std::size_t size)
{
    StreamUnit u;
    u.kind = UnitKind::Frame;
    if (size < kFrameHeader) {
        u.size = kFrameHeader;
        return u;
    }
    u.length = u24(data);
    u.size = kFrameHeader + u.length;
    if (u.length == 0) {
        u.status = UnitStatus::Malformed;
        u.problem = UnitProblem::ZeroLength;
    } else if (size >= u.size) {
        u.status = UnitStatus::Unit;
    }
    return u;
}

StreamUnit prologue_at(const std::uint8_t *data, std::size_t size)
{
    StreamUnit u;
    u.kind = UnitKind::Prologue;
    u.size = 4;
    if (size >= 4) {
        u.status = UnitStatus::Unit;
        u.version = Version{data[2], data[3]};
    }
    return u;
}

}  // namespace

StreamUnit next_unit(const std::uint8_t *data, std::size_t size, Phase phase)
{
    const bool wa = starts_with(data, size, reinterpret_cast<const std::uint8_t *>("WA"), 2);
    if (phase == Phase::ClientStart && starts_with(data, size, kRouting, 4)) {
        StreamUnit u;
        u.kind = UnitKind::RoutingPrefix;
        u.size = kRoutingHeader;
        if (size < kRoutingHeader)
            return u;
        u.length = u24(data + 4);
        if (u.length > kMaxRoutingInfo) {
            u.status = UnitStatus::Malformed;
            u.problem = UnitProblem::RoutingTooLong;
            u.size = 0;
            return u;
        }
        u.size = kRoutingHeader + u.length;
        if (size >= u.size)
            u.status = UnitStatus::Unit;
        return u;
    }
    if (phase != Phase::Frames) {
        if (wa)
            return prologue_at(data, size);
        if (size < 2)
            return prologue_at(data, size);  // need more: too few bytes to tell
        StreamUnit u = frame_at(data, size);  // no prologue: the bytes are taken as frames
        if (u.problem == UnitProblem::None)
            u.problem = UnitProblem::NoPrologue;
        return u;
    }
    return frame_at(data, size);
}

Phase phase_after(Phase phase, const StreamUnit &unit)
{
    if (unit.status == UnitStatus::NeedMore)
        return phase;
    switch (unit.kind) {
    case UnitKind::RoutingPrefix: return Phase::AfterPrefix;
    case UnitKind::Prologue:
    case UnitKind::Frame: return Phase::Frames;
    }
    return Phase::Frames;
}

Recognition recognise_client_start(const std::uint8_t *data, std::size_t size)
{
    std::size_t at = 0;
    if (starts_with(data, size, kRouting, 4)) {
        // "ED" 00 01 is distinctive enough on its own (a routing length beyond reason is the
        // dissector's to report); fewer bytes of it are not.
        if (size < 4)
            return Recognition::NeedMore;
        if (size < kRoutingHeader || u24(data + 4) > kMaxRoutingInfo)
            return Recognition::Yes;
        at = kRoutingHeader + u24(data + 4);
        if (size <= at)
            return Recognition::Yes;
    }
    const std::uint8_t *p = data + at;
    const std::size_t n = size - at;
    // "WA" and a version of two small numbers, 2.0 or later ("WAIT" is text, 1.x FunXMPP).
    if (!starts_with(p, n, reinterpret_cast<const std::uint8_t *>("WA"), 2) || (n >= 3 && (p[2] < 2 || p[2] > 15)) ||
        (n >= 4 && p[3] > 15))
        return Recognition::No;
    if (n < 4)  // after a whole prefix, the start of a fitting prologue is enough
        return at > 0 ? Recognition::Yes : Recognition::NeedMore;
    return Recognition::Yes;
}

bool known_successor_version(Version v)
{
    return v == Version{2, 0} || v == Version{4, 0} || dialect_for(v) != nullptr;
}

const char *frame_role_name(FrameRole r)
{
    switch (r) {
    case FrameRole::ClientHello: return "ClientHello";
    case FrameRole::ServerHello: return "ServerHello";
    case FrameRole::ClientFinish: return "ClientFinish";
    case FrameRole::Transport: return "transport frame";
    }
    return "frame";
}

FrameAssignment NoiseProgress::assign(int direction, const std::uint8_t *payload, std::size_t size)
{
    FrameAssignment a;
    const int d = direction == 0 ? 0 : 1;
    const std::uint32_t ordinal = frames[d]++;
    if (d == 0 && ordinal == 0) {
        a.role = FrameRole::ClientHello;
        pattern = pattern_of(parse_handshake(payload, size));
    } else if (d == 1 && ordinal == 0) {
        a.role = FrameRole::ServerHello;
        pattern = pattern_after_server_hello(pattern, parse_handshake(payload, size));
    } else if (d == 0 && ordinal == 1 && !client_finish_seen && pattern != Pattern::IK) {
        // XX and XXfallback end with a ClientFinish; with no ClientHello to tell, the frame says.
        const bool finish = pattern == Pattern::XX || pattern == Pattern::XXfallback ||
                            parse_handshake(payload, size).kind == HandshakeKind::ClientFinish;
        if (finish) {
            a.role = FrameRole::ClientFinish;
            client_finish_seen = true;
        }
    }
    if (a.role == FrameRole::Transport)
        a.counter = transport[d]++;
    a.pattern = pattern;
    return a;
}

}  // namespace funxmpp::noise
