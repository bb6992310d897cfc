// SPDX-License-Identifier: GPL-2.0-or-later
// Bounds-checked big-endian cursor over a byte span. Every read either succeeds completely
// or fails without moving; nothing ever reads past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace funxmpp {

class Reader {
public:
    Reader(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}

    std::size_t offset() const { return pos_; }
    std::size_t remaining() const { return size_ - pos_; }
    bool at_end() const { return pos_ == size_; }

    bool peek(std::uint8_t &out) const
    {
        if (pos_ >= size_)
            return false;
        out = data_[pos_];
        return true;
    }
    bool u8(std::uint8_t &out) { return uint_be(1, out); }
    bool u16(std::uint16_t &out) { return uint_be(2, out); }
    bool u24(std::uint32_t &out) { return uint_be(3, out); }
    bool u32(std::uint32_t &out) { return uint_be(4, out); }

    // A view of the next n bytes (into the caller's buffer: no copy, no allocation).
    bool bytes(std::size_t n, std::string_view &out)
    {
        if (n > remaining())
            return false;
        out = std::string_view(reinterpret_cast<const char *>(data_ + pos_), n);
        pos_ += n;
        return true;
    }

private:
    template <typename T> bool uint_be(std::size_t n, T &out)
    {
        if (n > remaining())
            return false;
        T v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v = static_cast<T>((v << 8) | data_[pos_ + i]);
        out = v;
        pos_ += n;
        return true;
    }

    const std::uint8_t *data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace funxmpp
