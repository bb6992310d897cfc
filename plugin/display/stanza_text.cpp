// SPDX-License-Identifier: GPL-2.0-or-later
#include "display/stanza_text.hpp"

#include <cstdio>
#include <string_view>

#include "codec/attributes.hpp"
#include "codec/xml.hpp"

namespace funxmpp {

namespace {

// Collects the top-level node's tag, to/from and type, and builds the Info-column summary
// from them: tag, then to=/from= and type= (a presence shows its type bare: "presence
// available", as XMPP reads it).
class SummaryBuilder final : public DecodeHandler {
public:
    SummaryBuilder(StanzaText &t, bool head) : t_(t), head_(head) {}

    void node_begin(const NodeBegin &n) override
    {
        // Content is a value or children, never both: the innermost <enc> open is the one whose
        // value may come (as the element tree reads it, each element on its own).
        if (n.tag.str.bytes == "enc" || n.tag.str.bytes == "plaintext") {
            enc_ = e2e::EnvelopeNode(n.tag.str.bytes);
            enc_depth_ = depth_ + 1;
        }
        if (depth_++ != 0)
            return;
        switch (n.tag.str.encoding) {
        case Encoding::StreamStart: t_.tag = "stream:stream"; break;
        case Encoding::StreamEnd:
            t_.tag = "stream:stream";
            end_ = true;
            break;
        default: write_value(t_.tag, n.tag, Escape::None);
        }
    }
    void attribute(const Value &key, const Value &value) override
    {
        if (depth_ == enc_depth_ && !key.is_jid()) {
            if (value.is_jid()) {  // as the tree reads it: the joined JID (never "2" or a type)
                std::string joined;
                write_value(joined, value, Escape::None);
                enc_.attribute(key.str.bytes, joined);
            } else {
                enc_.attribute(key.str.bytes, value.str.bytes);
            }
        }
        if (depth_ != 1 || key.is_jid())
            return;
        std::string_view k = key.str.bytes;
        if (head_) {
            HeadAttribute *h = k == "type" ? &t_.head.type : k == "from" ? &t_.head.from : k == "to" ? &t_.head.to
                             : k == "id" ? &t_.head.id : nullptr;
            if (h != nullptr && !h->present) {
                h->present = true;
                write_value(h->value, value, Escape::None);
            }
        }
        const AttributeRole role = attribute_role(k);
        if (role == AttributeRole::Peer) {
            std::string v;
            write_value(v, value, Escape::None);
            peers_.append(" ").append(k).append("=").append(v);
            if (t_.peer.empty())
                t_.peer = v;
        } else if (role == AttributeRole::Type) {
            t_.type.clear();
            write_value(t_.type, value, Escape::None);
        }
    }
    void data(const Value &value) override
    {
        // As the element tree shows them (ProtoTreeBuilder::data): a <plaintext>'s bytes, an
        // envelope's bytes, or an envelope that is no bytes at all.
        const bool binary = is_binary(value.str.encoding);
        if (depth_ != enc_depth_ || !(enc_.readable() || (enc_.plaintext && binary)))
            return;
        t_.envelopes.push_back(binary ? EnvelopeAt{enc_.type, value.str.content_offset(),
                                                   static_cast<std::uint32_t>(value.str.bytes.size()), enc_.plaintext, false}
                                      : EnvelopeAt{enc_.type, value.str.offset, value.str.length, false, true});
    }
    void node_end(std::uint32_t) override
    {
        if (depth_ == enc_depth_)
            enc_depth_ = 0;
        if (--depth_ != 0)
            return;
        if (end_)
            t_.summary = "stream end";
        else if (t_.tag == "presence")
            t_.summary = "presence " + (t_.type.empty() ? std::string("available") : t_.type) + peers_;
        else
            t_.summary = t_.tag + peers_ + (t_.type.empty() ? "" : " type=" + t_.type);
    }

private:
    StanzaText &t_;
    bool head_;  // also keep StanzaHead
    std::string peers_;
    e2e::EnvelopeNode enc_;   // the <enc> element open at depth enc_depth_ (0: none)
    unsigned enc_depth_ = 0;
    unsigned depth_ = 0;
    bool end_ = false;
};

// Forwards every event to the handlers a decode was asked for, so that one decode feeds all.
class Fanout final : public DecodeHandler {
public:
    void add(DecodeHandler &h) { to_[n_++] = &h; }
    void node_begin(const NodeBegin &n) override
    {
        for (std::size_t i = 0; i < n_; ++i)
            to_[i]->node_begin(n);
    }
    void attribute(const Value &k, const Value &v) override
    {
        for (std::size_t i = 0; i < n_; ++i)
            to_[i]->attribute(k, v);
    }
    void children_begin(std::uint32_t o, std::uint32_t l, std::uint32_t c) override
    {
        for (std::size_t i = 0; i < n_; ++i)
            to_[i]->children_begin(o, l, c);
    }
    void data(const Value &v) override
    {
        for (std::size_t i = 0; i < n_; ++i)
            to_[i]->data(v);
    }
    void node_end(std::uint32_t e) override
    {
        for (std::size_t i = 0; i < n_; ++i)
            to_[i]->node_end(e);
    }

private:
    DecodeHandler *to_[4] = {};
    std::size_t n_ = 0;
};

}  // namespace

StanzaText decode_stanza(const Dialect &dialect, const std::uint8_t *data, std::size_t size, const StanzaWants &wants)
{
    StanzaText t;
    SummaryBuilder summary(t, wants.head);
    XmlWriter xml(t.xml);
    LoginStanzaCollector login(t.login);
    EventRecorder recorder(wants.record != nullptr ? *wants.record : Arena{});
    Fanout all;
    all.add(summary);
    if (wants.xml)
        all.add(xml);
    if (wants.login)
        all.add(login);
    if (wants.record != nullptr)
        all.add(recorder);
    t.result = decode_payload(dialect, data, size, all);
    if (wants.record != nullptr)
        t.events = recorder.recording();
    if (t.result.keep_alive)
        t.summary = "keep-alive";
    if (!t.result.ok()) {
        t.xml.clear();  // a stanza that did not decode has no canonical XML
        t.login = LoginStanza{};
        t.summary = t.tag;
    }
    return t;
}

namespace {

// "0x" and at least two uppercase hex digits (printf's "0x%02X", without printf: this runs
// for every string item of a shown tree).
void append_hex_number(BoundedText &out, unsigned v)
{
    static const char kDigits[] = "0123456789ABCDEF";
    char buf[2 + 2 * sizeof v];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = kDigits[v & 0xF];
        v >>= 4;
    } while (v != 0);
    if (n < 2)
        buf[sizeof buf - 1 - n++] = '0';
    out.append("0x", 2);
    out.append(buf + sizeof buf - n, static_cast<std::size_t>(n));
}

void append_decimal(BoundedText &out, std::size_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    out.append(buf + sizeof buf - n, static_cast<std::size_t>(n));
}

void append_count(BoundedText &out, std::size_t n, std::string_view unit)
{
    append_decimal(out, n);
    out.push_back(' ');
    out.append(unit);
    if (n != 1)
        out.push_back('s');
}

}  // namespace

void describe_encoding(BoundedText &out, const StringValue &s)
{
    switch (s.encoding) {
    case Encoding::Token:
        out.append("token ");
        append_hex_number(out, s.index);
        break;
    case Encoding::SecondaryToken:
        out.append("secondary token ");
        append_hex_number(out, s.lead);
        out.push_back(' ');
        append_hex_number(out, s.index);
        out.append(" (page ");
        append_decimal(out, s.page);
        out.append(", index ");
        append_hex_number(out, s.index);
        out.push_back(')');
        break;
    case Encoding::ExtendedToken:
        out.append("extended token 0xFE ");
        append_hex_number(out, s.index - 0xF5u);
        out.append(" (index ");
        append_hex_number(out, s.index);
        out.push_back(')');
        break;
    case Encoding::StreamStart:
    case Encoding::StreamEnd:
        out.append(encoding_name(s.encoding));
        out.push_back(' ');
        append_hex_number(out, s.lead);
        break;
    case Encoding::Binary8:
    case Encoding::Binary20:
    case Encoding::Binary24:
    case Encoding::Binary32:
        out.append(encoding_name(s.encoding));
        out.append(", ");
        append_count(out, s.bytes.size(), "byte");
        break;
    case Encoding::Nibble:
    case Encoding::Hex:
        out.append(encoding_name(s.encoding));
        out.append(", ");
        append_count(out, s.bytes.size(), "character");
        break;
    case Encoding::Null:
    case Encoding::Jid:
    case Encoding::AdJid:
    case Encoding::FbJid:
    case Encoding::InteropJid:
    case Encoding::Implied:
        out.append(encoding_name(s.encoding));
        break;
    }
}

}  // namespace funxmpp
