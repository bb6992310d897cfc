// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/protobuf.hpp"

namespace funxmpp::protobuf {

namespace {

constexpr std::uint64_t kMaxFieldNumber = (1u << 29) - 1;

}  // namespace

const char *error_text(Error e)
{
    switch (e) {
    case Error::None: return "none";
    case Error::Truncated: return "truncated";
    case Error::OverlongVarint: return "overlong varint";
    case Error::BadWireType: return "bad wire type";
    case Error::BadFieldNumber: return "bad field number";
    case Error::LengthBeyondEnd: return "length beyond end";
    }
    return "?";
}

bool Reader::fail(Error e, std::size_t at)
{
    error_ = e;
    error_offset_ = at;
    pos_ = size_;  // nothing more to read: next() stays false
    return false;
}

bool Reader::varint(std::uint64_t &out)
{
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 10; ++i) {
        if (pos_ >= size_)
            return fail(Error::Truncated, field_);
        const std::uint8_t b = data_[pos_++];
        // The 10th byte holds bit 63 only: anything more (or a continuation) overflows.
        if (i == 9 && b > 1)
            return fail(Error::OverlongVarint, field_);
        v |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            out = v;
            return true;
        }
    }
    return false;  // not reached: the 10th byte either ends the varint or fails above
}

bool Reader::next(Field &out)
{
    if (error_ != Error::None || pos_ >= size_)
        return false;
    field_ = pos_;
    std::uint64_t tag = 0;
    if (!varint(tag))
        return false;
    const std::uint64_t number = tag >> 3;
    const unsigned wire = static_cast<unsigned>(tag & 7);
    if (number == 0 || number > kMaxFieldNumber)
        return fail(Error::BadFieldNumber, field_);
    // Groups are deprecated and none of the handshake messages has one: rejecting them keeps
    // the reader free of nesting.
    if (wire != 0 && wire != 1 && wire != 2 && wire != 5)
        return fail(Error::BadWireType, field_);

    Field f;
    f.number = static_cast<std::uint32_t>(number);
    f.wire = static_cast<WireType>(wire);
    f.offset = field_;
    switch (f.wire) {
    case WireType::Varint:
        f.value_offset = pos_;
        if (!varint(f.varint))
            return false;
        f.value_length = pos_ - f.value_offset;
        break;
    case WireType::I64:
    case WireType::I32: {
        const std::size_t n = f.wire == WireType::I64 ? 8 : 4;
        if (n > size_ - pos_)
            return fail(Error::Truncated, field_);
        for (std::size_t i = 0; i < n; ++i)  // little-endian
            f.varint |= static_cast<std::uint64_t>(data_[pos_ + i]) << (8 * i);
        f.value_offset = pos_;
        f.value_length = n;
        pos_ += n;
        break;
    }
    default: {  // Len
        if (!varint(f.varint))
            return false;
        if (f.varint > size_ - pos_)  // compared this way round: pos_ + length may overflow
            return fail(Error::LengthBeyondEnd, field_);
        f.value_offset = pos_;
        f.value_length = static_cast<std::size_t>(f.varint);
        pos_ += f.value_length;
        break;
    }
    }
    out = f;
    return true;
}

void put_varint(std::string &out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void put_bytes(std::string &out, std::uint32_t number, std::string_view value)
{
    put_varint(out, static_cast<std::uint64_t>(number) << 3 | 2);
    put_varint(out, value.size());
    out.append(value);
}

void put_uint(std::string &out, std::uint32_t number, std::uint64_t value)
{
    put_varint(out, static_cast<std::uint64_t>(number) << 3);
    put_varint(out, value);
}

}  // namespace funxmpp::protobuf
