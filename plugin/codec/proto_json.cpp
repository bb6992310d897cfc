// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/proto_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "codec/crypto.hpp"
#include "codec/text.hpp"

namespace funxmpp::e2e {

namespace {

using protobuf::Field;
using protobuf::WireType;

// A field as read, with the bytes it lies in.
struct Seen {
    Field f;
    const std::uint8_t *data;  // f's offsets are from here
};

// Text as JSON.stringify writes it: quotes, backslashes and control characters escaped; bytes
// that are no UTF-8 become U+FFFD (protobuf.js reads strings that way too). What needs nothing
// of that is copied a run at a time.
void json_string(std::string &out, std::string_view s)
{
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    std::size_t run = 0;  // the start of what is copied as it is
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        const std::size_t start = i;
        const std::int32_t cp = next_code_point(s, i);
        if (cp >= 0x80)
            continue;  // a well-formed sequence: copied as it is
        out.append(s.substr(run, start - run));
        run = i;
        if (cp < 0) {
            out += "\xEF\xBF\xBD";
        } else if (cp == '"' || cp == '\\') {
            out += '\\';
            out += static_cast<char>(cp);
        } else {  // below 0x20
            static const char *kShort[] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                           "\\b",   "\\t",   "\\n",   nullptr, "\\f",   "\\r"};
            if (cp < 14 && kShort[cp] != nullptr) {
                out += kShort[cp];
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
                out += buf;
            }
        }
    }
    out.append(s.substr(run));
    out += '"';
}

// The same text for a label: valid UTF-8 (U+FFFD for what is not), copied a run at a time.
void append_readable(std::string &out, std::string_view s)
{
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        if (next_code_point(s, i) >= 0)
            continue;
        out.append(s.substr(run, start - run));
        out += "\xEF\xBF\xBD";
        run = i;
    }
    out.append(s.substr(run));
}

std::string number_text(double v)
{
    if (std::isnan(v))
        return "\"NaN\"";
    if (std::isinf(v))
        return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    if (v == 0)
        return "0";  // JSON.stringify(-0) is "0"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

bool is_varint_kind(ProtoKind k)
{
    switch (k) {
    case ProtoKind::Int32: case ProtoKind::Int64: case ProtoKind::Uint32: case ProtoKind::Uint64:
    case ProtoKind::Sint32: case ProtoKind::Sint64: case ProtoKind::Bool: case ProtoKind::Enum:
        return true;
    default:
        return false;
    }
}
bool is_fixed32_kind(ProtoKind k)
{
    return k == ProtoKind::Fixed32 || k == ProtoKind::Sfixed32 || k == ProtoKind::Float;
}
bool is_fixed64_kind(ProtoKind k)
{
    return k == ProtoKind::Fixed64 || k == ProtoKind::Sfixed64 || k == ProtoKind::Double;
}

// The wire type a value of this kind has when it stands alone.
WireType wire_of(ProtoKind k)
{
    if (is_varint_kind(k))
        return WireType::Varint;
    if (is_fixed32_kind(k))
        return WireType::I32;
    if (is_fixed64_kind(k))
        return WireType::I64;
    return WireType::Len;
}

// A scalar value as JSON (numbers 64 bits wide as strings, as protobuf.js's longs: String).
std::string scalar_json(const ProtoSchema &schema, const ProtoField &field, std::uint64_t raw)
{
    char buf[32];
    switch (field.kind) {
    case ProtoKind::Int32: case ProtoKind::Sfixed32:
        return std::to_string(static_cast<std::int32_t>(static_cast<std::uint32_t>(raw)));
    case ProtoKind::Uint32: case ProtoKind::Fixed32:
        return std::to_string(static_cast<std::uint32_t>(raw));
    case ProtoKind::Sint32: {
        const auto n = static_cast<std::uint32_t>(raw);
        return std::to_string(static_cast<std::int32_t>((n >> 1) ^ (~(n & 1) + 1)));
    }
    case ProtoKind::Int64: case ProtoKind::Sfixed64:
        std::snprintf(buf, sizeof buf, "\"%lld\"", static_cast<long long>(raw));
        return buf;
    case ProtoKind::Uint64: case ProtoKind::Fixed64:
        std::snprintf(buf, sizeof buf, "\"%llu\"", static_cast<unsigned long long>(raw));
        return buf;
    case ProtoKind::Sint64:
        std::snprintf(buf, sizeof buf, "\"%lld\"", static_cast<long long>((raw >> 1) ^ (~(raw & 1) + 1)));
        return buf;
    case ProtoKind::Bool:  // protobuf.js: uint32() !== 0
        return static_cast<std::uint32_t>(raw) != 0 ? "true" : "false";
    case ProtoKind::Float: {
        float f;
        const auto bits = static_cast<std::uint32_t>(raw);
        std::memcpy(&f, &bits, sizeof f);
        return number_text(static_cast<double>(f));
    }
    case ProtoKind::Double: {
        double d;
        std::memcpy(&d, &raw, sizeof d);
        return number_text(d);
    }
    case ProtoKind::Enum: {
        const auto n = static_cast<std::int32_t>(static_cast<std::uint32_t>(raw));
        const char *name = schema.enums[static_cast<std::size_t>(field.target)].name_of(n);
        if (name == nullptr)
            return std::to_string(n);
        std::string out;
        json_string(out, name);
        return out;
    }
    default:
        return "null";
    }
}

// A scalar as a label shows it (JSON without quotes; strings and enums as they read).
std::string scalar_label(const std::string &json)
{
    return json.size() >= 2 && json.front() == '"' ? json.substr(1, json.size() - 2) : json;
}

std::uint64_t fixed_value(const std::uint8_t *p, std::size_t n)
{
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

// The values of a packed repeated scalar (the bytes of one Len field); false if cut.
bool packed_values(ProtoKind kind, const std::uint8_t *p, std::size_t n, std::vector<std::uint64_t> &out)
{
    std::size_t i = 0;
    while (i < n) {
        if (is_varint_kind(kind)) {
            std::uint64_t v = 0;
            unsigned shift = 0;
            bool done = false;
            while (i < n && shift < 64) {
                const std::uint8_t b = p[i++];
                v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    done = true;
                    break;
                }
            }
            if (!done)
                return false;
            out.push_back(v);
        } else {
            const std::size_t w = is_fixed32_kind(kind) ? 4 : 8;
            if (n - i < w)
                return false;
            out.push_back(fixed_value(p + i, w));
            i += w;
        }
    }
    return true;
}

std::uint32_t number_of(const ProtoField &f) { return f.number; }
std::uint32_t number_of(std::uint32_t n) { return n; }

class Decoder {
public:
    Decoder(const ProtoSchema &schema, DecodedMessage &out) : schema_(schema), out_(out) {}

    // The fields of data[base, base + size) in wire order; false at a malformed one.
    bool read_fields(const std::uint8_t *data, std::size_t base, std::size_t size, std::vector<Seen> &fields)
    {
        protobuf::Error error = protobuf::Error::None;
        std::size_t at = 0;
        protobuf::walk(data, base, size, error, at, [&](const Field &f) { fields.push_back(Seen{f, data}); });
        if (error != protobuf::Error::None && out_.error == protobuf::Error::None) {
            out_.error = error;
            out_.error_offset = static_cast<std::size_t>(data - top_) + at;
        }
        return error == protobuf::Error::None;
    }

    // Display items of one message's bytes, in wire order.
    // `quoted`: inside a ContextInfo (a quoted message's text is not what this one says).
    void items(int index, const std::uint8_t *data, std::size_t base, std::size_t size, unsigned depth, bool quoted = false)
    {
        if (depth >= kMaxProtoDepth) {
            out_.too_deep = true;
            return;
        }
        std::vector<Seen> fields;
        read_fields(data, base, size, fields);
        const ProtoMessage &m = schema_.messages[static_cast<std::size_t>(index)];
        for (const Seen &s : fields) {
            const Field &f = s.f;
            if (out_.items.size() >= kMaxProtoItems) {
                ++out_.items_not_kept;
                continue;
            }
            ProtoItem item;
            item.depth = depth;
            item.offset = static_cast<std::size_t>(s.data - top_) + f.offset;
            item.length = f.end() - f.offset;
            if (f.wire == WireType::Len) {
                item.value_offset = static_cast<std::size_t>(s.data - top_) + f.value_offset;
                item.value_length = f.value_length;
            }
            const ProtoField *known = m.field(f.number);
            if (known != nullptr)
                item.name = known->name;
            if (known == nullptr) {
                item.unknown = true;
                ++out_.unknown_fields;
                item.label = "field " + std::to_string(f.number) + " (not in " + m.name + ")";
                out_.items.push_back(std::move(item));
                continue;
            }
            const bool packed = known->repeated && f.wire == WireType::Len && known->kind != ProtoKind::String &&
                                known->kind != ProtoKind::Bytes && known->kind != ProtoKind::Message;
            if (f.wire != wire_of(known->kind) && !packed) {
                item.mismatch = true;
                out_.misread = true;
                item.label = known->name + ": (wire type " + std::to_string(static_cast<int>(f.wire)) +
                             " where the schema has another)";
                out_.items.push_back(std::move(item));
                continue;
            }
            const std::uint8_t *value = s.data + f.value_offset;
            if (known->kind == ProtoKind::Message) {
                item.label = known->name;
                item.message = true;
                item.message_type = known->target;
                out_.items.push_back(std::move(item));
                const bool context = schema_.messages[static_cast<std::size_t>(known->target)].name == "ContextInfo";
                items(known->target, s.data, f.value_offset, f.value_length, depth + 1, quoted || context);
                continue;
            }
            if (known->kind == ProtoKind::String) {
                const std::string_view text(reinterpret_cast<const char *>(value), f.value_length);
                item.label.reserve(known->name.size() + 2 + text.size());
                item.label += known->name;
                item.label += ": ";
                const std::size_t at = item.label.size();
                append_readable(item.label, text);
                if (!quoted)
                    note_text(m, *known, std::string_view(item.label).substr(at));
            } else if (known->kind == ProtoKind::Bytes) {
                std::string hex;
                append_hex(hex, std::string_view(reinterpret_cast<const char *>(value), std::min<std::size_t>(f.value_length, 32)));
                item.label = known->name + ": " + hex + (f.value_length > 32 ? "…" : "") + " (" +
                             std::to_string(f.value_length) + " bytes)";
            } else if (packed) {
                std::vector<std::uint64_t> values;
                if (!packed_values(known->kind, value, f.value_length, values))
                    out_.misread = true;
                item.label = known->name + ":";
                for (std::uint64_t v : values)
                    item.label += " " + scalar_label(scalar_json(schema_, *known, v));
            } else {
                const std::uint64_t raw = f.wire == WireType::Varint ? f.varint : fixed_value(value, f.value_length);
                item.scalar = raw;
                item.label = known->name + ": " + scalar_label(scalar_json(schema_, *known, raw));
            }
            out_.items.push_back(std::move(item));
        }
    }

    // The JSON of the message in p[0, n).
    void json(int index, const std::uint8_t *p, std::size_t n, unsigned depth, std::string &out)
    {
        out += '{';
        if (depth >= kMaxProtoDepth) {
            out_.too_deep = true;
            out += '}';
            return;
        }
        std::vector<Seen> fields;
        read_fields(p, 0, n, fields);
        const ProtoMessage &m = schema_.messages[static_cast<std::size_t>(index)];
        // The schema's fields (sorted by number) that are on the wire, in the schema's order:
        // the numbers seen, sorted, each looked up (a message has many fields, a Message few).
        std::vector<std::uint32_t> numbers;
        numbers.reserve(fields.size());
        for (const Seen &s : fields)
            numbers.push_back(s.f.number);
        std::sort(numbers.begin(), numbers.end());
        numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
        bool first = true;
        std::vector<const Seen *> occurrences;
        std::string value;
        for (const std::uint32_t number : numbers) {
            const auto [from, to] = std::equal_range(
                m.fields.begin(), m.fields.end(), number,
                [](const auto &a, const auto &b) { return number_of(a) < number_of(b); });
            for (auto known = from; known != to; ++known) {
                occurrences.clear();
                for (const Seen &s : fields)
                    if (s.f.number == number)
                        occurrences.push_back(&s);
                value.clear();
                if (!value_json(*known, occurrences, depth, value))
                    continue;
                if (!first)
                    out += ',';
                first = false;
                json_string(out, known->name);
                out += ':';
                out += value;
            }
        }
        out += '}';
    }

private:
    // One field's JSON value from all its occurrences; false if nothing to show.
    bool value_json(const ProtoField &known, const std::vector<const Seen *> &occurrences, unsigned depth, std::string &out)
    {
        if (known.kind == ProtoKind::Message) {
            std::vector<std::pair<const std::uint8_t *, std::size_t>> ranges;
            for (const Seen *s : occurrences)
                if (s->f.wire == WireType::Len)
                    ranges.emplace_back(s->data + s->f.value_offset, s->f.value_length);
            if (ranges.empty())
                return false;
            if (!known.repeated) {  // given twice, the last replaces the first (protobuf.js's decoder)
                json(known.target, ranges.back().first, ranges.back().second, depth + 1, out);
                return true;
            }
            out += '[';
            for (std::size_t i = 0; i < ranges.size(); ++i) {
                if (i > 0)
                    out += ',';
                json(known.target, ranges[i].first, ranges[i].second, depth + 1, out);
            }
            out += ']';
            return true;
        }
        std::vector<std::string> values;
        for (const Seen *s : occurrences) {
            const Field &f = s->f;
            const std::uint8_t *value = s->data + f.value_offset;
            if (known.kind == ProtoKind::String || known.kind == ProtoKind::Bytes) {
                if (f.wire != WireType::Len)
                    continue;
                const std::string_view bytes(reinterpret_cast<const char *>(value), f.value_length);
                std::string v;
                if (known.kind == ProtoKind::String)
                    json_string(v, bytes);
                else
                    json_string(v, base64_encode(bytes));
                values.push_back(std::move(v));
            } else if (f.wire == WireType::Len && known.repeated) {  // packed
                std::vector<std::uint64_t> raw;
                packed_values(known.kind, value, f.value_length, raw);
                for (std::uint64_t v : raw)
                    values.push_back(scalar_json(schema_, known, v));
            } else if (f.wire == wire_of(known.kind)) {
                values.push_back(scalar_json(schema_, known, f.wire == WireType::Varint ? f.varint : fixed_value(value, f.value_length)));
            }
        }
        if (values.empty())
            return false;
        if (!known.repeated) {
            out += values.back();  // the last one given wins
            return true;
        }
        out += '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i > 0)
                out += ',';
            out += values[i];
        }
        out += ']';
        return true;
    }

    // What people read: the conversation, an extended text, a caption (not those of a quoted
    // message); `text` already readable.
    void note_text(const ProtoMessage &m, const ProtoField &f, std::string_view text)
    {
        if ((m.name == "Message" && f.name == "conversation") ||
            (m.name == "Message.ExtendedTextMessage" && f.name == "text") || f.name == "caption")
            out_.texts.emplace_back(text);
    }

public:
    const std::uint8_t *top_ = nullptr;

private:
    const ProtoSchema &schema_;
    DecodedMessage &out_;
};

}  // namespace

DecodedMessage decode_message(const ProtoSchema &schema, int message_index, const std::uint8_t *data, std::size_t size,
                              bool with_json)
{
    DecodedMessage out;
    if (message_index < 0 || static_cast<std::size_t>(message_index) >= schema.messages.size())
        return out;
    Decoder d(schema, out);
    d.top_ = data;
    d.items(message_index, data, 0, size, 0);
    if (!with_json)
        return out;
    // The JSON pass reads the same bytes again: keep only the first pass's error.
    const protobuf::Error error = out.error;
    const std::size_t error_offset = out.error_offset;
    d.json(message_index, data, size, 0, out.json);
    out.error = error;
    out.error_offset = error_offset;
    return out;
}

}  // namespace funxmpp::e2e
