// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/xml.hpp"

#include "codec/text.hpp"

namespace funxmpp {

void XmlWriter::write_text(std::string_view bytes, bool in_attribute)
{
    for (char c : bytes) {
        switch (c) {
        case '&': out_ += "&amp;"; break;
        case '<': out_ += "&lt;"; break;
        case '>': out_ += "&gt;"; break;
        case '"':
            if (in_attribute) {
                out_ += "&quot;";
                break;
            }
            [[fallthrough]];
        default: out_ += c;
        }
    }
}

void XmlWriter::write_value(const Value &v, bool in_attribute)
{
    if (!v.is_jid()) {
        if (is_text(v.str.bytes))
            write_text(v.str.bytes, in_attribute);
        else
            append_hex(out_, v.str.bytes);
        return;
    }
    // "user@server", or "server" with a null user; the text rule applies to the joined
    // string, which is text exactly when both parts are.
    const bool user = v.user.encoding != Encoding::Null;
    if (is_text(v.user.bytes) && is_text(v.server.bytes)) {
        if (user) {
            write_text(v.user.bytes, in_attribute);
            out_ += '@';
        }
        write_text(v.server.bytes, in_attribute);
    } else {
        if (user) {
            append_hex(out_, v.user.bytes);
            out_ += "40";
        }
        append_hex(out_, v.server.bytes);
    }
}

void XmlWriter::indent(std::size_t depth)
{
    if (pretty_) {
        out_ += '\n';
        out_.append(2 * depth, ' ');
    }
}

void XmlWriter::node_begin(const NodeBegin &n)
{
    if (suppressed_ > 0 || n.tag.str.encoding == Encoding::StreamEnd) {
        ++suppressed_;
        if (suppressed_ == 1)
            out_ += "</stream:stream>";
        return;
    }
    if (!open_.empty())
        indent(open_.size());
    out_ += '<';
    Open o{out_.size(), 0, n.tag.str.encoding == Encoding::StreamStart, false, false};
    if (o.stream_start)
        out_ += "stream:stream";
    else
        write_value(n.tag, false);
    o.tag_len = out_.size() - o.tag_pos;
    open_.push_back(o);
}

void XmlWriter::attribute(const Value &key, const Value &value)
{
    if (suppressed_ > 0)
        return;
    out_ += ' ';
    write_value(key, false);
    out_ += "=\"";
    write_value(value, true);
    out_ += '"';
}

void XmlWriter::children_begin(std::uint32_t, std::uint32_t, std::uint32_t count)
{
    if (suppressed_ > 0 || open_.empty())
        return;
    out_ += '>';
    open_.back().content_written = true;
    open_.back().has_children = count > 0;
}

void XmlWriter::data(const Value &value)
{
    if (suppressed_ > 0 || open_.empty())
        return;
    out_ += '>';
    open_.back().content_written = true;
    write_value(value, false);
}

void XmlWriter::node_end(std::uint32_t)
{
    if (suppressed_ > 0) {
        --suppressed_;
        return;
    }
    if (open_.empty())
        return;
    Open o = open_.back();
    open_.pop_back();
    if (o.stream_start) {
        if (!o.content_written)
            out_ += '>';
        return;
    }
    if (!o.content_written) {
        out_ += "/>";
        return;
    }
    if (o.has_children)
        indent(open_.size());
    out_ += "</";
    out_.reserve(out_.size() + o.tag_len + 1);
    out_.append(out_.data() + o.tag_pos, o.tag_len);
    out_ += '>';
}

}  // namespace funxmpp
