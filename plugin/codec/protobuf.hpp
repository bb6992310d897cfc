// SPDX-License-Identifier: GPL-2.0-or-later
// A small bounded protobuf reader and writer: enough for the successor's handshake messages
// (SUCCESSOR 2.2). The reader walks one message's fields in order, never reads past the end,
// and stops at the first malformed field with its offset and a reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace funxmpp::protobuf {

enum class WireType : std::uint8_t { Varint = 0, I64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, I32 = 5 };

struct Field {
    std::uint32_t number = 0;
    WireType wire = WireType::Varint;
    std::size_t offset = 0;        // of the tag
    std::size_t value_offset = 0;  // of the value (Len: after its length varint)
    std::size_t value_length = 0;  // bytes of the value (Varint: of the varint)
    std::uint64_t varint = 0;      // Varint, I64, I32: the value; Len: the length
    std::size_t end() const { return value_offset + value_length; }
};

enum class Error : std::uint8_t {
    None,
    Truncated,         // the message ends inside a tag, a varint or a fixed-size value
    OverlongVarint,    // a varint of more than 10 bytes (or one that overflows 64 bits)
    BadWireType,       // wire types 6 and 7, and groups (no message here uses them)
    BadFieldNumber,    // field number 0, or above 2^29 - 1
    LengthBeyondEnd,   // a length-delimited value longer than what is left
};
const char *error_text(Error e);

class Reader {
public:
    Reader(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
    // The next field; false at the end of the message or at an error (see error()), and
    // false again on every later call after an error.
    bool next(Field &out);
    Error error() const { return error_; }
    // Where the malformed field starts: the offset of its tag, whatever part of it is broken
    // (the tag, a varint, a length, a fixed value), so one range covers the whole bad field.
    std::size_t error_offset() const { return error_offset_; }
    bool at_end() const { return pos_ >= size_; }

private:
    bool varint(std::uint64_t &out);
    bool fail(Error e, std::size_t at);

    const std::uint8_t *data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::size_t field_ = 0;  // tag offset of the field being read (for fail)
    Error error_ = Error::None;
    std::size_t error_offset_ = 0;
};

// What a message's parser keeps of a field, with offsets from the start of the parsed bytes.
struct Span {  // a length-delimited value
    bool present = false;
    std::size_t offset = 0, length = 0;
};
struct Number {  // a varint, with the range of its whole field (tag included)
    bool present = false;
    std::uint64_t value = 0;
    std::size_t offset = 0, length = 0;
};
inline Span span_of(const Field &f) { return Span{true, f.value_offset, f.value_length}; }
inline Number number_of(const Field &f) { return Number{true, f.varint, f.offset, f.end() - f.offset}; }

// Walks the fields of the message at data[base, base + size), calling each(field) with offsets
// from data[0]; records the first error (of this walk or an earlier one) in error/error_offset.
template <class Each>
void walk(const std::uint8_t *data, std::size_t base, std::size_t size, Error &error, std::size_t &error_offset,
          Each each)
{
    Reader r(data + base, size);
    Field f;
    while (r.next(f)) {
        f.offset += base;
        f.value_offset += base;
        each(f);
    }
    if (r.error() != Error::None && error == Error::None) {
        error = r.error();
        error_offset = base + r.error_offset();
    }
}

// Writer: appends to `out`.
void put_varint(std::string &out, std::uint64_t v);
void put_bytes(std::string &out, std::uint32_t number, std::string_view value);  // wire type 2
void put_uint(std::string &out, std::uint32_t number, std::uint64_t value);      // wire type 0

}  // namespace funxmpp::protobuf
