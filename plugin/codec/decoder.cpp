// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/decoder.hpp"

#include <cstdio>

#include "codec/reader.hpp"

namespace funxmpp {

const char *encoding_name(Encoding e)
{
    switch (e) {
    case Encoding::Null: return "null";
    case Encoding::StreamStart: return "stream start";
    case Encoding::StreamEnd: return "stream end";
    case Encoding::Token: return "token";
    case Encoding::SecondaryToken: return "secondary token";
    case Encoding::ExtendedToken: return "extended token";
    case Encoding::Binary8: return "binary8";
    case Encoding::Binary24: return "binary24";
    case Encoding::Binary20: return "binary20";
    case Encoding::Binary32: return "binary32";
    case Encoding::Nibble: return "nibble-packed";
    case Encoding::Hex: return "hex-packed";
    case Encoding::Jid: return "JID pair";
    case Encoding::AdJid: return "AD JID";
    case Encoding::FbJid: return "FB JID";
    case Encoding::InteropJid: return "interop JID";
    case Encoding::Implied: return "implied by the domain byte";
    }
    return "?";
}

std::string Value::text() const
{
    if (!is_jid())
        return std::string(str.bytes);
    std::string t;
    jid_pieces(*this, [&](std::string_view piece, bool) { t.append(piece); });
    return t;
}

const char *error_kind_name(DecodeErrorKind kind)
{
    switch (kind) {
    case DecodeErrorKind::None: return "none";
    case DecodeErrorKind::Truncated: return "truncated";
    case DecodeErrorKind::EmptyNode: return "empty node";
    case DecodeErrorKind::InvalidLeadByte: return "invalid lead byte";
    case DecodeErrorKind::UnknownToken: return "unknown token";
    case DecodeErrorKind::InvalidNibble: return "invalid nibble";
    case DecodeErrorKind::NullTag: return "null tag";
    case DecodeErrorKind::NestedJid: return "nested JID";
    case DecodeErrorKind::DepthLimit: return "depth limit";
    case DecodeErrorKind::TrailingBytes: return "trailing bytes";
    }
    return "?";
}

std::string DecodeError::message() const
{
    char buf[128];
    const std::string v = "WA " + version.to_string();
    switch (kind) {
    case DecodeErrorKind::None: return "no error";
    case DecodeErrorKind::Truncated: return "truncated: the data ends inside a node";
    case DecodeErrorKind::EmptyNode: return "list size 0 where a node was expected";
    case DecodeErrorKind::InvalidLeadByte:
        std::snprintf(buf, sizeof buf, "byte 0x%02x is not valid here in %s", detail, v.c_str());
        return buf;
    case DecodeErrorKind::UnknownToken:
        if (detail > 0xFF)
            std::snprintf(buf, sizeof buf, "unknown token 0x%02x 0x%02x for %s", detail >> 8, detail & 0xFF, v.c_str());
        else
            std::snprintf(buf, sizeof buf, "unknown token 0x%02x for %s", detail, v.c_str());
        return buf;
    case DecodeErrorKind::InvalidNibble:
        if (detail > 0xF)
            return "invalid packed string: odd flag with no packed bytes";
        std::snprintf(buf, sizeof buf, "invalid nibble 0x%x in a packed string", detail);
        return buf;
    case DecodeErrorKind::NullTag: return "node tag is the null string";
    case DecodeErrorKind::NestedJid: return "JID pair inside a JID pair";
    case DecodeErrorKind::DepthLimit:
        std::snprintf(buf, sizeof buf, "nesting deeper than %u levels", detail);
        return buf;
    case DecodeErrorKind::TrailingBytes:
        std::snprintf(buf, sizeof buf, "%u bytes left in the frame after its node", detail);
        return buf;
    }
    return "?";
}

namespace {

constexpr std::uint8_t kLeadNull = 0x00;
constexpr std::uint8_t kLeadStreamStart = 0x01;
constexpr std::uint8_t kLeadStreamEnd = 0x02;
constexpr std::uint8_t kLeadPage0 = 0xEC;
constexpr std::uint8_t kLeadPage3 = 0xEF;
constexpr std::uint8_t kLeadInteropJid = 0xF5;  // MD only
constexpr std::uint8_t kLeadFbJid = 0xF6;       // MD only
constexpr std::uint8_t kLeadAdJid = 0xF7;       // MD only
constexpr std::uint8_t kLeadList8 = 0xF8;
constexpr std::uint8_t kLeadList16 = 0xF9;
constexpr std::uint8_t kLeadJid = 0xFA;
constexpr std::uint8_t kLeadHex = 0xFB;
constexpr std::uint8_t kLeadBinary8 = 0xFC;
constexpr std::uint8_t kLeadBinary24 = 0xFD;
constexpr std::uint8_t kLeadFE = 0xFE;
constexpr std::uint8_t kLeadNibble = 0xFF;
constexpr unsigned kExtendedTokenBase = 0xF5;
constexpr std::size_t kMaxPackedChars = 2 * 0x7F;

// Scratch slots for packed strings: a string slot and its two JID parts, for the
// "name" side (tag, attribute key) and the "value" side (attribute value, data).
enum Slot : unsigned { kNameSlot = 0, kValueSlot = 3, kSlotCount = 6 };

class NodeDecoder {
public:
    NodeDecoder(const Dialect &d, const std::uint8_t *data, std::size_t size, DecodeHandler &h,
                const DecodeLimits &limits)
        : dialect_(d), r_(data, size), handler_(h), limits_(limits)
    {
        error_.version = d.version;
    }

    bool node(unsigned depth);
    // The list header and tag of a node: the start of node().
    bool node_head(NodeBegin &nb, unsigned depth);
    Reader &reader() { return r_; }
    DecodeError &error() { return error_; }

private:
    bool fail(DecodeErrorKind kind, std::size_t offset, std::uint32_t detail = 0)
    {
        error_.kind = kind;
        error_.offset = static_cast<std::uint32_t>(offset);
        error_.detail = detail;
        return false;
    }
    bool truncated() { return fail(DecodeErrorKind::Truncated, r_.offset()); }

    bool list_size(std::uint32_t &n);
    bool value(Value &v, unsigned slot);
    bool md_jid(Value &v, std::uint8_t lead, unsigned slot);
    bool is_jid_lead(std::uint8_t lead) const
    {
        return lead == kLeadJid || (dialect_.md_jids && lead >= kLeadInteropJid && lead <= kLeadAdJid);
    }
    bool string(StringValue &s, unsigned slot);
    bool string_after_lead(StringValue &s, std::uint8_t lead, std::size_t start, unsigned slot);
    bool binary(StringValue &s, Encoding e, std::uint32_t n);
    bool packed(StringValue &s, bool hex, unsigned slot);
    bool token(StringValue &s, Encoding e, std::string_view text, std::uint32_t detail);

    const Dialect &dialect_;
    Reader r_;
    DecodeHandler &handler_;
    const DecodeLimits &limits_;
    DecodeError error_;
    char scratch_[kSlotCount][kMaxPackedChars];
};

bool NodeDecoder::list_size(std::uint32_t &n)
{
    std::size_t start = r_.offset();
    std::uint8_t lead;
    if (!r_.u8(lead))
        return truncated();
    switch (lead) {
    case kLeadNull:
        n = 0;
        return true;
    case kLeadList8: {
        std::uint8_t v;
        if (!r_.u8(v))
            return truncated();
        n = v;
        return true;
    }
    case kLeadList16: {
        std::uint16_t v;
        if (!r_.u16(v))
            return truncated();
        n = v;
        return true;
    }
    default:
        return fail(DecodeErrorKind::InvalidLeadByte, start, lead);
    }
}

bool NodeDecoder::value(Value &v, unsigned slot)
{
    std::size_t start = r_.offset();
    std::uint8_t lead;
    if (!r_.u8(lead))
        return truncated();
    if (!is_jid_lead(lead))
        return string_after_lead(v.str, lead, start, slot);
    v.str = StringValue{};
    v.str.encoding = Encoding::Jid;
    v.str.offset = static_cast<std::uint32_t>(start);
    v.str.lead = lead;
    if (lead != kLeadJid) {
        if (!md_jid(v, lead, slot))
            return false;
    } else if (!string(v.user, slot + 1) || !string(v.server, slot + 2)) {
        return false;
    }
    v.str.length = static_cast<std::uint32_t>(r_.offset() - start);
    return true;
}

// The successor's JID forms (SUCCESSOR 1.5), after their lead byte.
bool NodeDecoder::md_jid(Value &v, std::uint8_t lead, unsigned slot)
{
    std::uint16_t u16 = 0;
    switch (lead) {
    case kLeadAdJid: {
        v.str.encoding = Encoding::AdJid;
        std::uint8_t domain, device;
        if (!r_.u8(domain) || !r_.u8(device))
            return truncated();
        v.device = device;
        if (!string(v.user, slot + 1))
            return false;
        static constexpr std::string_view kServers[] = {"s.whatsapp.net", "lid", "hosted", "hosted.lid"};
        const int server = domain == 0 ? 0 : domain == 1 ? 1 : domain == 128 ? 2 : domain == 129 ? 3 : -1;
        if (server < 0)
            v.agent = domain;  // no server of its own: an agent of s.whatsapp.net
        v.server = StringValue{};
        v.server.encoding = Encoding::Implied;
        v.server.offset = v.str.offset + 1;  // the domain byte
        v.server.length = 1;
        v.server.lead = domain;
        v.server.bytes = kServers[server < 0 ? 0 : server];
        return true;
    }
    case kLeadFbJid:
        v.str.encoding = Encoding::FbJid;
        if (!string(v.user, slot + 1))
            return false;
        if (!r_.u16(u16))
            return truncated();
        v.device = u16;
        return string(v.server, slot + 2);
    default:  // kLeadInteropJid
        v.str.encoding = Encoding::InteropJid;
        if (!string(v.user, slot + 1))
            return false;
        if (!r_.u16(u16))
            return truncated();
        v.device = u16;
        if (!r_.u16(u16))
            return truncated();
        v.integrator = u16;
        return string(v.server, slot + 2);
    }
}

bool NodeDecoder::string(StringValue &s, unsigned slot)
{
    std::size_t start = r_.offset();
    std::uint8_t lead;
    if (!r_.u8(lead))
        return truncated();
    if (is_jid_lead(lead))
        return fail(DecodeErrorKind::NestedJid, start, lead);
    return string_after_lead(s, lead, start, slot);
}

bool NodeDecoder::string_after_lead(StringValue &s, std::uint8_t lead, std::size_t start, unsigned slot)
{
    s = StringValue{};
    s.offset = static_cast<std::uint32_t>(start);
    s.lead = lead;
    bool ok;
    switch (lead) {
    case kLeadNull:
        s.encoding = Encoding::Null;
        ok = true;
        break;
    case kLeadBinary8: {
        std::uint8_t n;
        ok = r_.u8(n) ? binary(s, Encoding::Binary8, n) : truncated();
        break;
    }
    case kLeadBinary24: {
        std::uint32_t n;
        if (!r_.u24(n))
            return truncated();
        ok = dialect_.binary20 ? binary(s, Encoding::Binary20, n & 0x0FFFFF) : binary(s, Encoding::Binary24, n);
        break;
    }
    case kLeadFE:
        if (dialect_.lead_fe == LeadFE::Binary32) {
            std::uint32_t n;
            ok = r_.u32(n) ? binary(s, Encoding::Binary32, n & 0x7FFFFFFF) : truncated();
        } else if (dialect_.lead_fe == LeadFE::ExtendedToken) {
            std::uint8_t b;
            if (!r_.u8(b))
                return truncated();
            unsigned index = kExtendedTokenBase + b;
            std::string_view text = index < 256 ? dialect_.tokens->primary_at(static_cast<std::uint8_t>(index))
                                                : std::string_view{};
            s.index = static_cast<std::uint16_t>(index);
            ok = token(s, Encoding::ExtendedToken, text, lead << 8 | b);
        } else {
            ok = fail(DecodeErrorKind::InvalidLeadByte, start, lead);
        }
        break;
    case kLeadNibble:
        ok = dialect_.nibble_packed ? packed(s, false, slot) : fail(DecodeErrorKind::InvalidLeadByte, start, lead);
        break;
    case kLeadHex:
        ok = dialect_.hex_packed ? packed(s, true, slot) : fail(DecodeErrorKind::InvalidLeadByte, start, lead);
        break;
    default:
        if (lead >= kLeadPage0 && lead <= kLeadPage3 && dialect_.secondary != SecondaryTokens::None) {
            if (dialect_.secondary == SecondaryTokens::Escape && lead != kLeadPage0)
                return fail(DecodeErrorKind::InvalidLeadByte, start, lead);
            std::uint8_t b;
            if (!r_.u8(b))
                return truncated();
            s.page = static_cast<std::uint8_t>(lead - kLeadPage0);
            s.index = b;
            ok = token(s, Encoding::SecondaryToken, dialect_.tokens->secondary_at(s.page * 256u + b), lead << 8 | b);
        } else if (lead >= dialect_.token_min && lead <= dialect_.token_max) {
            s.index = lead;
            ok = token(s, Encoding::Token, dialect_.tokens->primary_at(lead), lead);
        } else {
            ok = fail(DecodeErrorKind::InvalidLeadByte, start, lead);
        }
    }
    s.length = static_cast<std::uint32_t>(r_.offset() - start);
    return ok;
}

bool NodeDecoder::token(StringValue &s, Encoding e, std::string_view text, std::uint32_t detail)
{
    if (text.empty())
        return fail(DecodeErrorKind::UnknownToken, s.offset, detail);
    s.encoding = e;
    s.bytes = text;
    return true;
}

bool NodeDecoder::binary(StringValue &s, Encoding e, std::uint32_t n)
{
    s.encoding = e;
    return r_.bytes(n, s.bytes) ? true : truncated();
}

bool NodeDecoder::packed(StringValue &s, bool hex, unsigned slot)
{
    static const char kNibbles[16] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '.', 0, 0, 0, 0};
    static const char kHex[16] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    s.encoding = hex ? Encoding::Hex : Encoding::Nibble;
    std::size_t len_offset = r_.offset();
    std::uint8_t len_byte;
    if (!r_.u8(len_byte))
        return truncated();
    const bool odd = (len_byte & 0x80) != 0;
    const std::size_t n = len_byte & 0x7F;
    if (odd && n == 0)
        return fail(DecodeErrorKind::InvalidNibble, len_offset, len_byte);
    std::size_t packed_offset = r_.offset();
    std::string_view in;
    if (!r_.bytes(n, in))
        return truncated();
    const char *alphabet = hex ? kHex : kNibbles;
    char *out = scratch_[slot];
    const std::size_t chars = 2 * n - (odd ? 1 : 0);
    for (std::size_t i = 0; i < chars; ++i) {
        auto byte = static_cast<std::uint8_t>(in[i / 2]);
        unsigned nibble = (i % 2 == 0) ? byte >> 4 : byte & 0x0F;
        char c = alphabet[nibble];
        if (c == 0)
            return fail(DecodeErrorKind::InvalidNibble, packed_offset + i / 2, nibble);
        out[i] = c;
    }
    s.bytes = std::string_view(out, chars);
    return true;
}

bool NodeDecoder::node_head(NodeBegin &nb, unsigned depth)
{
    nb.offset = static_cast<std::uint32_t>(r_.offset());
    nb.depth = depth;
    if (depth >= limits_.max_depth)
        return fail(DecodeErrorKind::DepthLimit, nb.offset, limits_.max_depth);
    if (!list_size(nb.list_size))
        return false;
    if (nb.list_size == 0)
        return fail(DecodeErrorKind::EmptyNode, nb.offset);
    nb.header_length = static_cast<std::uint32_t>(r_.offset() - nb.offset);

    // Tag: in FunXMPP the reserved bytes 0x01/0x02 are valid here and only here.
    std::uint8_t lead;
    if (!r_.peek(lead))
        return truncated();
    if (dialect_.stream_tags && (lead == kLeadStreamStart || lead == kLeadStreamEnd)) {
        r_.u8(lead);
        nb.tag.str.encoding = lead == kLeadStreamStart ? Encoding::StreamStart : Encoding::StreamEnd;
        nb.tag.str.offset = static_cast<std::uint32_t>(r_.offset() - 1);
        nb.tag.str.length = 1;
        nb.tag.str.lead = lead;
    } else {
        if (!value(nb.tag, kNameSlot))
            return false;
        if (nb.tag.str.encoding == Encoding::Null)
            return fail(DecodeErrorKind::NullTag, nb.tag.str.offset);
    }
    nb.attribute_count = (nb.list_size - 1) / 2;
    nb.has_content = nb.list_size % 2 == 0;
    return true;
}

bool NodeDecoder::node(unsigned depth)
{
    NodeBegin nb;
    if (!node_head(nb, depth))
        return false;
    std::uint8_t lead;
    handler_.node_begin(nb);

    for (std::uint32_t i = 0; i < nb.attribute_count; ++i) {
        Value key, val;
        if (!value(key, kNameSlot) || !value(val, kValueSlot))
            return false;
        handler_.attribute(key, val);
    }

    if (nb.has_content) {
        if (!r_.peek(lead))
            return truncated();
        if (lead == kLeadNull || lead == kLeadList8 || lead == kLeadList16) {
            std::size_t list_offset = r_.offset();
            std::uint32_t count;
            if (!list_size(count))
                return false;
            handler_.children_begin(static_cast<std::uint32_t>(list_offset),
                                    static_cast<std::uint32_t>(r_.offset() - list_offset), count);
            for (std::uint32_t i = 0; i < count; ++i)
                if (!node(depth + 1))
                    return false;
        } else {
            Value data;
            if (!value(data, kValueSlot))
                return false;
            handler_.data(data);
        }
    }
    handler_.node_end(static_cast<std::uint32_t>(r_.offset()));
    return true;
}

}  // namespace

DecodeResult decode_payload(const Dialect &dialect, const std::uint8_t *data, std::size_t size,
                            DecodeHandler &handler, const DecodeLimits &limits)
{
    DecodeResult result;
    result.error.version = dialect.version;
    if (dialect.stream_tags && size == 1 && data[0] == kLeadNull) {
        result.keep_alive = true;
        return result;
    }
    NodeDecoder decoder(dialect, data, size, handler, limits);
    if (decoder.node(0) && !decoder.reader().at_end()) {
        decoder.error().kind = DecodeErrorKind::TrailingBytes;
        decoder.error().offset = static_cast<std::uint32_t>(decoder.reader().offset());
        decoder.error().detail = static_cast<std::uint32_t>(decoder.reader().remaining());
    }
    result.error = decoder.error();
    return result;
}

std::string top_level_tag(const Dialect &dialect, const std::uint8_t *data, std::size_t size)
{
    NullHandler none;
    const DecodeLimits limits;
    NodeDecoder decoder(dialect, data, size, none, limits);
    NodeBegin nb;
    if (!decoder.node_head(nb, 0) || nb.tag.str.encoding == Encoding::StreamStart ||
        nb.tag.str.encoding == Encoding::StreamEnd)
        return {};
    return nb.tag.text();
}

}  // namespace funxmpp
