// SPDX-License-Identifier: GPL-2.0-or-later
// The text-or-binary rule of the canonical XML (DESIGN 2.2), shared by every consumer that
// has to decide whether bytes are shown as text or as hex.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace funxmpp {

// True when `bytes` is valid UTF-8 with no control characters other than TAB, LF and CR
// (C0 controls, DEL and the C1 controls U+0080-U+009F count as control characters).
bool is_text(std::string_view bytes);
// How many bytes at the start of `bytes` are printable ASCII (0x20-0x7E): text that needs no
// decoding, and that Wireshark's labels show as it is.
std::size_t printable_ascii_prefix(std::string_view bytes);
// The code point of the UTF-8 sequence at bytes[i], i moved past it; -1 where the bytes are no
// valid sequence (cut, overlong, a surrogate, beyond U+10FFFF), i moved past the longest start
// of a valid one (at least one byte), as decoders that write one U+FFFD per error do.
std::int32_t next_code_point(std::string_view bytes, std::size_t &i);

// The value of a hex digit (either case), or -1. A table: a key log of 100,000 lines is
// 20 million digits, read when a capture opens.
inline int hex_digit_value(char c)
{
    static constexpr auto values = [] {
        std::array<std::int8_t, 256> t{};
        for (int i = 0; i < 256; ++i)
            t[i] = static_cast<std::int8_t>(i >= '0' && i <= '9'   ? i - '0'
                                            : i >= 'a' && i <= 'f' ? i - 'a' + 10
                                            : i >= 'A' && i <= 'F' ? i - 'A' + 10
                                                                   : -1);
        return t;
    }();
    return values[static_cast<unsigned char>(c)];
}

// Bytes from hex digits (either case), skipping whitespace and ':' separators; nullopt on
// any other character or an odd number of digits.
std::optional<std::string> parse_hex(std::string_view text);

// Lowercase hex of every byte, appended to `out` (anything with push_back(char)).
template <class Out> void append_hex(Out &out, std::string_view bytes)
{
    static const char kDigits[] = "0123456789abcdef";
    char chunk[256];  // converted a chunk at a time, appended in one go
    std::size_t n = 0;
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        chunk[n++] = kDigits[c >> 4];
        chunk[n++] = kDigits[c & 0x0F];
        if (n == sizeof chunk) {
            out.append(chunk, n);
            n = 0;
        }
    }
    out.append(chunk, n);
}

// An output that keeps at most `capacity - 1` characters in a caller's buffer, always
// NUL-terminated, and remembers whether it had to cut (for labels of bounded length).
class BoundedText {
public:
    BoundedText(char *buffer, std::size_t capacity) : buf_(buffer), cap_(capacity) { buf_[0] = '\0'; }  // capacity >= 1
    void clear()
    {
        len_ = 0;
        truncated_ = false;
        buf_[0] = '\0';
    }
    void push_back(char c) { append(&c, 1); }
    void append(const char *s, std::size_t n)
    {
        const std::size_t room = cap_ - 1 - len_;
        const std::size_t k = n < room ? n : room;
        if (k > 0)
            std::memcpy(buf_ + len_, s, k);
        len_ += k;
        buf_[len_] = '\0';
        if (k < n)
            truncated_ = true;
    }
    void append(std::string_view s) { append(s.data(), s.size()); }
    const char *c_str() const { return buf_; }
    std::size_t size() const { return len_; }
    bool truncated() const { return truncated_; }

private:
    char *buf_;
    std::size_t cap_;
    std::size_t len_ = 0;
    bool truncated_ = false;
};

}  // namespace funxmpp
