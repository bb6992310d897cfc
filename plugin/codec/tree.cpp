// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/tree.hpp"

#include "codec/xml.hpp"

namespace funxmpp {

Node Node::element(std::string tag)
{
    Node n;
    n.tag = std::move(tag);
    return n;
}

Node Node::stream_start()
{
    Node n;
    n.kind = Kind::StreamStart;
    return n;
}

Node Node::stream_end()
{
    Node n;
    n.kind = Kind::StreamEnd;
    return n;
}

Node &Node::attr(std::string key, std::string value)
{
    attributes.emplace_back(std::move(key), std::move(value));
    return *this;
}

Node &Node::child(Node n)
{
    content = Content::Children;
    children.push_back(std::move(n));
    return *this;
}

Node &Node::text(std::string bytes)
{
    content = Content::Data;
    data = std::move(bytes);
    return *this;
}

Node &Node::empty_children()
{
    content = Content::Children;
    children.clear();
    return *this;
}

bool operator==(const Node &a, const Node &b)
{
    return a.kind == b.kind && a.tag == b.tag && a.attributes == b.attributes && a.content == b.content &&
           a.children == b.children && a.data == b.data;
}

void TreeBuilder::node_begin(const NodeBegin &n)
{
    Node *node;
    if (stack_.empty()) {
        root_ = Node{};
        node = &root_;
    } else {
        Node *parent = stack_.back();
        parent->children.emplace_back();
        node = &parent->children.back();
    }
    switch (n.tag.str.encoding) {
    case Encoding::StreamStart: node->kind = Node::Kind::StreamStart; break;
    case Encoding::StreamEnd: node->kind = Node::Kind::StreamEnd; break;
    default: node->tag = n.tag.text();
    }
    stack_.push_back(node);
}

void TreeBuilder::attribute(const Value &key, const Value &value)
{
    stack_.back()->attributes.emplace_back(key.text(), value.text());
}

void TreeBuilder::children_begin(std::uint32_t, std::uint32_t, std::uint32_t count)
{
    stack_.back()->content = Node::Content::Children;
    stack_.back()->children.reserve(count);
}

void TreeBuilder::data(const Value &value)
{
    stack_.back()->content = Node::Content::Data;
    stack_.back()->data = value.text();
}

void TreeBuilder::node_end(std::uint32_t)
{
    stack_.pop_back();
}

DecodeResult decode_tree(const Dialect &dialect, const std::uint8_t *data, std::size_t size, Node &out,
                         const DecodeLimits &limits)
{
    TreeBuilder builder(out);
    return decode_payload(dialect, data, size, builder, limits);
}

namespace {

Value plain(std::string_view bytes)
{
    Value v;
    v.str.encoding = Encoding::Binary8;
    v.str.bytes = bytes;
    return v;
}

void replay_node(const Node &node, unsigned depth, DecodeHandler &h)
{
    NodeBegin nb;
    nb.depth = depth;
    nb.attribute_count = static_cast<std::uint32_t>(node.attributes.size());
    nb.has_content = node.content != Node::Content::None;
    nb.list_size = 1 + 2 * nb.attribute_count + (nb.has_content ? 1 : 0);
    switch (node.kind) {
    case Node::Kind::StreamStart: nb.tag.str.encoding = Encoding::StreamStart; break;
    case Node::Kind::StreamEnd: nb.tag.str.encoding = Encoding::StreamEnd; break;
    case Node::Kind::Element: nb.tag = plain(node.tag); break;
    }
    h.node_begin(nb);
    for (const auto &[k, v] : node.attributes)
        h.attribute(plain(k), plain(v));
    if (node.content == Node::Content::Children) {
        h.children_begin(0, 0, static_cast<std::uint32_t>(node.children.size()));
        for (const Node &c : node.children)
            replay_node(c, depth + 1, h);
    } else if (node.content == Node::Content::Data) {
        h.data(plain(node.data));
    }
    h.node_end(0);
}

}  // namespace

void replay(const Node &node, DecodeHandler &handler)
{
    replay_node(node, 0, handler);
}

std::string to_xml(const Node &node, bool pretty)
{
    std::string out;
    XmlWriter writer(out, pretty);
    replay(node, writer);
    return out;
}

}  // namespace funxmpp
