// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/framing.hpp"

namespace funxmpp {

Prologue parse_prologue(const std::uint8_t *data, std::size_t size)
{
    static const std::uint8_t kWa[2] = {'W', 'A'};
    static const std::uint8_t kRouting[4] = {'E', 'D', 0x00, 0x01};  // successor routing prefix

    Prologue p;
    auto matches = [&](const std::uint8_t *magic, std::size_t n) {
        for (std::size_t i = 0; i < n && i < size; ++i)
            if (data[i] != magic[i])
                return false;
        return true;
    };
    if (matches(kRouting, 4)) {
        p.kind = size < 4 ? StreamKind::NeedMore : StreamKind::Successor;
        p.size = size < 4 ? 0 : 4;
        return p;
    }
    if (!matches(kWa, 2))
        return p;
    if (size < 4) {
        p.kind = StreamKind::NeedMore;
        return p;
    }
    p.version = Version{data[2], data[3]};
    p.size = 4;
    if (p.version.major >= 2)
        p.kind = StreamKind::Successor;
    else if (dialect_for(p.version) != nullptr)
        p.kind = StreamKind::FunXmpp;
    else
        p.kind = StreamKind::UnknownFunXmpp;
    return p;
}

FrameParse parse_frame(const std::uint8_t *data, std::size_t size, unsigned header_size, bool plain_length24)
{
    FrameParse r;
    if (size < header_size) {
        r.needed = header_size;
        return r;
    }
    r.header.header_size = header_size;
    if (header_size == 2) {
        r.header.length = static_cast<std::uint32_t>(data[0] << 8 | data[1]);
    } else if (plain_length24) {
        r.header.length = static_cast<std::uint32_t>(data[0] << 16 | data[1] << 8 | data[2]);
    } else {
        r.header.flags = static_cast<std::uint8_t>(data[0] >> 4);
        r.header.length = static_cast<std::uint32_t>((data[0] & 0x0F) << 16 | data[1] << 8 | data[2]);
    }
    r.needed = r.header.total_size();
    if (r.header.length == 0)  // every frame carries one node or the keep-alive byte
        r.status = FrameStatus::Malformed;
    else if (size < r.needed)
        r.status = FrameStatus::NeedMore;
    else
        r.status = FrameStatus::Frame;
    return r;
}

FrameStep FrameCursor::next()
{
    FrameStep s;
    s.offset = pos_;
    const FrameParse f = parse_frame(data_ + pos_, size_ - pos_, header_size_, plain_length24_);
    s.status = f.status;
    s.header = f.header;
    s.needed = f.needed;
    if (f.status != FrameStatus::NeedMore)
        pos_ += f.header.total_size();
    return s;
}

}  // namespace funxmpp
