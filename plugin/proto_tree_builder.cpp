// SPDX-License-Identifier: GPL-2.0-or-later
#include "proto_tree_builder.hpp"

#include <cstring>
#include <type_traits>

#include "codec/text.hpp"
#include "cpp_scope.hpp"
#include "codec/xml.hpp"
#include "display/stanza_text.hpp"
#include "fields.hpp"

namespace funxmpp::ws {

FUNXMPP_PLAIN(ProtoTreeBuilder);

namespace {

struct CountingOut {
    std::size_t n = 0;
    void push_back(char) { ++n; }
    void append(const char *, std::size_t k) { n += k; }
};

struct RawOut {
    char *p;
    void push_back(char c) { *p++ = c; }
    void append(const char *s, std::size_t k)
    {
        if (k == 0)
            return;  // s may be null (the empty user part of a JID): memcpy must not see it
        std::memcpy(p, s, k);
        p += k;
    }
};

struct Description {
    char buf[128];
    explicit Description(const StringValue &s)
    {
        BoundedText out(buf, sizeof buf);
        describe_encoding(out, s);
    }
};

}  // namespace

FieldString::FieldString(wmem_allocator_t *pool, const Value &v)
{
    BoundedText fits(buf_, sizeof buf_);  // most values: written once, here
    write_value(fits, v, Escape::None);
    str_ = buf_;
    if (!fits.truncated())
        return;
    CountingOut count;  // a longer one: its size, then the value in the packet's pool
    write_value(count, v, Escape::None);
    char *buf = static_cast<char *>(wmem_alloc(pool, count.n + 1));
    RawOut out{buf};
    write_value(out, v, Escape::None);
    *out.p = '\0';
    str_ = buf;
}

void ProtoTreeBuilder::append_encoding(proto_item *item, const StringValue &s)
{
    if (shown_) {  // after Wireshark's own label of the value (it marks truncation)
        Description how(s);
        proto_item_append_text(item, " (%s)", how.buf);
    }
}

proto_item *ProtoTreeBuilder::add_encoded_string(proto_tree *tree, int hf, const StringValue &s, const char *value)
{
    const int start = base_ + static_cast<int>(s.offset), length = static_cast<int>(s.length);
    const std::string_view text(value);
    if (shown_ && !text.empty() && printable_ascii_prefix(text) == text.size()) {  // shown as it is
        // "Name: value (encoding)" as Wireshark's own label plus our suffix would read, without
        // Wireshark formatting the value and a second printf appending the suffix.
        char buf[ITEM_LABEL_LENGTH];
        BoundedText label(buf, sizeof buf);
        label.append(proto_registrar_get_name(hf));
        label.append(": ");
        label.append(value);
        label.append(" (");
        describe_encoding(label, s);
        label.push_back(')');
        if (!label.truncated())  // a long one is left to Wireshark, which marks the cut
            return proto_tree_add_string_format(tree, hf, tvb_, start, length, value, "%s", label.c_str());
    }
    proto_item *item = proto_tree_add_string(tree, hf, tvb_, start, length, value);
    append_encoding(item, s);
    return item;
}

void ProtoTreeBuilder::begin_start_tag(proto_item *item)
{
    start_tag_item_ = item;
    start_tag_direct_ = false;
    proto_item_set_text(item, "%s", start_tag_.c_str());  // what shows if Wireshark throws before the end
}

void ProtoTreeBuilder::append_start_tag(const char *piece, std::size_t n)
{
    if (start_tag_item_ == nullptr)
        return;
    if (!start_tag_direct_ && start_tag_.size() + n < sizeof start_tag_buf_ - 1) {
        start_tag_.append(piece, n);
        return;
    }
    // Too long for a label: from here on Wireshark appends, and cuts and marks as it does.
    if (!start_tag_direct_)
        proto_item_set_text(start_tag_item_, "%s", start_tag_.c_str());
    start_tag_direct_ = true;
    proto_item_append_text(start_tag_item_, "%.*s", static_cast<int>(n), piece);
}

void ProtoTreeBuilder::label_start_tag(const char *suffix)
{
    if (start_tag_item_ == nullptr)
        return;
    append_start_tag(suffix, std::strlen(suffix));
    if (!start_tag_direct_)
        proto_item_set_text(start_tag_item_, "%s", start_tag_.c_str());
    start_tag_item_ = nullptr;
}

void ProtoTreeBuilder::node_begin(const NodeBegin &n)
{
    proto_tree *parent = depth_ == 0 ? root_ : open_[depth_ - 1].tree;
    const Encoding tag = n.tag.str.encoding;
    proto_item *item = proto_tree_add_item(parent, fields.element, tvb_, base_ + static_cast<int>(n.offset),
                                           static_cast<int>(n.header_length), ENC_NA);
    proto_tree *tree = proto_item_add_subtree(item, fields.ett_element);

    label_start_tag("");  // (the parent's start tag was closed by its children)
    const FieldString tag_string(pinfo_->pool, n.tag);
    const char *tag_value;
    if (tag == Encoding::StreamStart || tag == Encoding::StreamEnd) {
        tag_value = "stream:stream";
        start_tag_.clear();
        start_tag_.append(tag == Encoding::StreamStart ? "<stream:stream" : "</stream:stream>");
        begin_start_tag(item);
    } else {
        tag_value = tag_string.c_str();
        if (shown_) {
            start_tag_.clear();
            start_tag_.push_back('<');
            write_value(start_tag_, n.tag, Escape::Text);
            begin_start_tag(item);
        }
    }
    add_encoded_string(tree, fields.tag, n.tag.str, tag_value);
    open_[depth_++] = Open{item, tree, tag, false, e2e::EnvelopeNode(tag_value)};
}

proto_item *ProtoTreeBuilder::add_jid(proto_tree *tree, const Value &v, const char *joined)
{
    proto_item *jid = proto_tree_add_string(tree, fields.jid, tvb_, base_ + static_cast<int>(v.str.offset),
                                            static_cast<int>(v.str.length), joined);
    proto_tree *parts = proto_item_add_subtree(jid, fields.ett_jid);
    const StringValue *sides[2] = {&v.user, &v.server};
    const int hfs[2] = {fields.jid_user, fields.jid_server};
    for (int i = 0; i < 2; ++i) {
        Value part;
        part.str = *sides[i];
        add_encoded_string(parts, hfs[i], *sides[i], FieldString(pinfo_->pool, part).c_str());
    }
    // The MD forms' numbers, at their bytes: AD_JID = F7 domain device user; FB_JID = F6 user
    // device(2) server; INTEROP_JID = F5 user device(2) integrator(2) server.
    const int lead = base_ + static_cast<int>(v.str.offset);
    const int after_user = base_ + static_cast<int>(v.user.offset + v.user.length);
    switch (v.str.encoding) {
    case Encoding::AdJid:
        if (v.agent != 0)
            proto_tree_add_uint(parts, fields.jid_agent, tvb_, lead + 1, 1, v.agent);
        proto_tree_add_uint(parts, fields.jid_device, tvb_, lead + 2, 1, v.device);
        break;
    case Encoding::FbJid:
        proto_tree_add_uint(parts, fields.jid_device, tvb_, after_user, 2, v.device);
        break;
    case Encoding::InteropJid:
        proto_tree_add_uint(parts, fields.jid_device, tvb_, after_user, 2, v.device);
        proto_tree_add_uint(parts, fields.jid_integrator, tvb_, after_user + 2, 2, v.integrator);
        break;
    default:
        break;
    }
    return jid;
}

void ProtoTreeBuilder::attribute(const Value &key, const Value &value)
{
    Open &o = open_[depth_ - 1];
    const int start = base_ + static_cast<int>(key.str.offset);
    const int end = base_ + static_cast<int>(value.str.offset + value.str.length);
    proto_item *attr;
    if (shown_) {
        // ' k="v"', each side cut to a label's length as a label of its own would be.
        char kbuf[ITEM_LABEL_LENGTH], vbuf[ITEM_LABEL_LENGTH], buf[2 * ITEM_LABEL_LENGTH + 8];
        BoundedText k(kbuf, sizeof kbuf), v(vbuf, sizeof vbuf), text(buf, sizeof buf);
        write_value(k, key, Escape::Text);
        write_value(v, value, Escape::Attribute);
        text.push_back(' ');
        text.append(k.c_str(), k.size());
        text.append("=\"");
        text.append(v.c_str(), v.size());
        text.push_back('"');
        if (o.tag != Encoding::StreamEnd && start_tag_item_ == o.item)
            append_start_tag(text.c_str(), text.size());
        if (text.size() - 1 < ITEM_LABEL_LENGTH - 1)
            attr = proto_tree_add_none_format(o.tree, fields.attr, tvb_, start, end - start, "%s", text.c_str() + 1);
        else  // too long: Wireshark cuts it and marks the cut
            attr = proto_tree_add_none_format(o.tree, fields.attr, tvb_, start, end - start, "%s=\"%s\"", k.c_str(), v.c_str());
    } else {
        attr = proto_tree_add_item(o.tree, fields.attr, tvb_, start, end - start, ENC_NA);
    }
    proto_tree *tree = proto_item_add_subtree(attr, fields.ett_attr);

    const FieldString key_field(pinfo_->pool, key);
    const char *key_string = key_field.c_str();
    add_encoded_string(tree, fields.attr_key, key.str, key_string);
    const FieldString value_field(pinfo_->pool, value);
    const char *value_string = value_field.c_str();
    proto_item *vi = add_encoded_string(tree, fields.attr_value, value.str, value_string);
    const int named = named_attribute_field(key_string);
    if (named != -1)
        proto_item_set_hidden(proto_tree_add_string(tree, named, tvb_, base_ + static_cast<int>(value.str.offset),
                                                    static_cast<int>(value.str.length), value_string));
    if (value.is_jid())
        add_jid(proto_item_add_subtree(vi, fields.ett_jid), value, value_string);
    o.envelope.attribute(key_string, value_string);
}

void ProtoTreeBuilder::close_start_tag(Open &o)
{
    if (!o.content && o.tag != Encoding::StreamEnd)
        label_start_tag(">");
    o.content = true;
}

void ProtoTreeBuilder::children_begin(std::uint32_t offset, std::uint32_t length, std::uint32_t count)
{
    Open &o = open_[depth_ - 1];
    close_start_tag(o);
    proto_tree_add_uint(o.tree, fields.children, tvb_, base_ + static_cast<int>(offset), static_cast<int>(length), count);
}

void ProtoTreeBuilder::data(const Value &value)
{
    Open &o = open_[depth_ - 1];
    close_start_tag(o);
    if (value.is_jid()) {
        append_encoding(add_jid(o.tree, value, FieldString(pinfo_->pool, value).c_str()), value.str);
    } else if (is_text(value.str.bytes)) {
        add_encoded_string(o.tree, fields.text, value.str, FieldString(pinfo_->pool, value).c_str());
    } else {
        append_encoding(proto_tree_add_bytes_with_length(o.tree, fields.data, tvb_, base_ + static_cast<int>(value.str.offset),
                                                         static_cast<int>(value.str.length),
                                                         reinterpret_cast<const guint8 *>(value.str.bytes.data()),
                                                         static_cast<gint>(value.str.bytes.size())),
                        value.str);
    }
    // The content of an <enc> node: a Signal envelope, shown field by field (DESIGN 2.8).
    // Binary content: its bytes follow the length prefix.
    const int content = base_ + static_cast<int>(value.str.content_offset());
    const int size = static_cast<int>(value.str.bytes.size());
    if (o.envelope.plaintext && is_binary(value.str.encoding))  // a channel's Message, in the clear
        add_plaintext(o.tree, tvb_, pinfo_, content, size);
    else if (o.envelope.readable() && !is_binary(value.str.encoding))
        add_envelope_not_bytes(o.tree, tvb_, pinfo_, base_ + static_cast<int>(value.str.offset),
                               static_cast<int>(value.str.length), o.envelope.type);
    else if (o.envelope.readable())
        add_envelope(o.tree, tvb_, pinfo_, content, size, o.envelope.type);
}

void ProtoTreeBuilder::node_end(std::uint32_t end)
{
    Open &o = open_[--depth_];
    label_start_tag(o.content || o.tag == Encoding::StreamEnd ? "" : o.tag == Encoding::StreamStart ? ">" : "/>");
    proto_item_set_end(o.item, tvb_, base_ + static_cast<int>(end));
}

void ProtoTreeBuilder::close_unfinished(std::uint32_t end)
{
    while (depth_ > 0) {
        Open &o = open_[--depth_];
        label_start_tag("");
        proto_item_append_text(o.item, " [incomplete]");
        proto_item_set_end(o.item, tvb_, base_ + static_cast<int>(end));
    }
}

}  // namespace funxmpp::ws
