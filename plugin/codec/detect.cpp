// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/detect.hpp"

#include "codec/noise_stream.hpp"

namespace funxmpp {

bool plausible_frames(const std::uint8_t *data, std::size_t size, const Dialect &d)
{
    bool any = false;
    for (FrameCursor cursor(data, size, d); !cursor.at_end();) {
        const FrameStep s = cursor.next();
        if (s.status == FrameStatus::NeedMore && s.needed == d.header_size)
            break;  // a header cut short: nothing more to judge
        const std::uint8_t flags = s.header.flags;
        if (s.status == FrameStatus::Malformed || (flags & kFlagReserved) != 0 ||
            ((flags & kFlagClientEncrypted) != 0 && d.version != Version{1, 2}))
            return false;
        const std::size_t payload = s.payload_offset();
        if (!s.header.encrypted() && payload < size) {
            const bool keep_alive = s.header.length == 1 && data[payload] == 0x00;
            if (!keep_alive && data[payload] != 0xF8 && data[payload] != 0xF9)
                return false;
        }
        any = true;
        if (s.status == FrameStatus::NeedMore)
            break;  // the frame goes on in later segments
    }
    return any;
}

bool looks_like_tls_record(const std::uint8_t *data, std::size_t size)
{
    return size >= 3 && data[0] >= 0x14 && data[0] <= 0x18 && data[1] == 0x03 && data[2] <= 0x04;
}

StreamStart classify_stream_start(const std::uint8_t *data, std::size_t size, const Dialect &mid_stream)
{
    StreamStart r;
    const Prologue pro = parse_prologue(data, size);
    switch (pro.kind) {
    case StreamKind::FunXmpp:
        // What follows the prologue (usually the stream start, same segment) must be frames.
        if (size == pro.size || plausible_frames(data + pro.size, size - pro.size, *dialect_for(pro.version))) {
            r.claim = StreamClaim::Prologue;
            r.version = pro.version;
        }
        return r;
    case StreamKind::Successor:
        switch (noise::recognise_client_start(data, size)) {
        case noise::Recognition::Yes: r.claim = StreamClaim::Noise; break;
        case noise::Recognition::NeedMore: r.claim = StreamClaim::NeedMore; break;
        case noise::Recognition::No: r.claim = StreamClaim::Refused; break;
        }
        r.version = pro.version;
        return r;
    case StreamKind::UnknownFunXmpp: r.claim = StreamClaim::Refused; return r;
    case StreamKind::NeedMore: r.claim = StreamClaim::NeedMore; return r;
    case StreamKind::NotWhatsApp: break;
    }
    if (looks_like_tls_record(data, size))
        return r;
    if (plausible_frames(data, size, mid_stream)) {
        r.claim = StreamClaim::MidStream;
        r.version = mid_stream.version;
    }
    return r;
}

}  // namespace funxmpp
