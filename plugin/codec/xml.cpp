// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/xml.hpp"


namespace funxmpp {

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
        write_value(out_, n.tag, Escape::Text);
    o.tag_len = out_.size() - o.tag_pos;
    open_.push_back(o);
}

void XmlWriter::attribute(const Value &key, const Value &value)
{
    if (suppressed_ > 0)
        return;
    out_ += ' ';
    write_value(out_, key, Escape::Text);
    out_ += "=\"";
    write_value(out_, value, Escape::Attribute);
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
    write_value(out_, value, Escape::Text);
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
