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

// Label text of a value: XML-escaped (as in the canonical XML), cut to a label's length.
struct Label {
    char buf[ITEM_LABEL_LENGTH];
    Label(const Value &v, Escape e)
    {
        BoundedText out(buf, sizeof buf);
        write_value(out, v, e);
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

const char *field_string(wmem_allocator_t *pool, const Value &v)
{
    CountingOut count;
    write_value(count, v, Escape::None);
    char *buf = static_cast<char *>(wmem_alloc(pool, count.n + 1));
    RawOut out{buf};
    write_value(out, v, Escape::None);
    *out.p = '\0';
    return buf;
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
    proto_item *item = proto_tree_add_string(tree, hf, tvb_, base_ + static_cast<int>(s.offset),
                                             static_cast<int>(s.length), value);
    append_encoding(item, s);
    return item;
}

void ProtoTreeBuilder::node_begin(const NodeBegin &n)
{
    proto_tree *parent = depth_ == 0 ? root_ : open_[depth_ - 1].tree;
    const Encoding tag = n.tag.str.encoding;
    proto_item *item = proto_tree_add_item(parent, fields.element, tvb_, base_ + static_cast<int>(n.offset),
                                           static_cast<int>(n.header_length), ENC_NA);
    proto_tree *tree = proto_item_add_subtree(item, fields.ett_element);

    const char *tag_value;
    if (tag == Encoding::StreamStart || tag == Encoding::StreamEnd) {
        tag_value = "stream:stream";
        proto_item_set_text(item, tag == Encoding::StreamStart ? "<stream:stream" : "</stream:stream>");
    } else {
        tag_value = field_string(pinfo_->pool, n.tag);
        if (shown_) {
            Label label(n.tag, Escape::Text);
            proto_item_set_text(item, "<%s", label.buf);
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
        add_encoded_string(parts, hfs[i], *sides[i], field_string(pinfo_->pool, part));
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
        Label k(key, Escape::Text), v(value, Escape::Attribute);
        if (o.tag != Encoding::StreamEnd)
            proto_item_append_text(o.item, " %s=\"%s\"", k.buf, v.buf);
        attr = proto_tree_add_none_format(o.tree, fields.attr, tvb_, start, end - start, "%s=\"%s\"", k.buf, v.buf);
    } else {
        attr = proto_tree_add_item(o.tree, fields.attr, tvb_, start, end - start, ENC_NA);
    }
    proto_tree *tree = proto_item_add_subtree(attr, fields.ett_attr);

    const char *key_string = field_string(pinfo_->pool, key);
    add_encoded_string(tree, fields.attr_key, key.str, key_string);
    const char *value_string = field_string(pinfo_->pool, value);
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
        proto_item_append_text(o.item, ">");
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
        append_encoding(add_jid(o.tree, value, field_string(pinfo_->pool, value)), value.str);
    } else if (is_text(value.str.bytes)) {
        add_encoded_string(o.tree, fields.text, value.str, field_string(pinfo_->pool, value));
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
    if (!o.content && o.tag != Encoding::StreamEnd)
        proto_item_append_text(o.item, o.tag == Encoding::StreamStart ? ">" : "/>");
    proto_item_set_end(o.item, tvb_, base_ + static_cast<int>(end));
}

void ProtoTreeBuilder::close_unfinished(std::uint32_t end)
{
    while (depth_ > 0) {
        Open &o = open_[--depth_];
        proto_item_append_text(o.item, " [incomplete]");
        proto_item_set_end(o.item, tvb_, base_ + static_cast<int>(end));
    }
}

}  // namespace funxmpp::ws
