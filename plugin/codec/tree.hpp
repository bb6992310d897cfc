// SPDX-License-Identifier: GPL-2.0-or-later
// An owned node tree: what the decoder's events describe, and what the encoder writes.
// Used by tests, the capture generator and the CLI; the dissector works on events directly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codec/decoder.hpp"

namespace funxmpp {

struct Node {
    enum class Kind : std::uint8_t { Element, StreamStart, StreamEnd };
    enum class Content : std::uint8_t { None, Children, Data };

    Kind kind = Kind::Element;
    std::string tag;  // empty for StreamStart / StreamEnd
    std::vector<std::pair<std::string, std::string>> attributes;
    Content content = Content::None;
    std::vector<Node> children;
    std::string data;

    // Fluent construction: Node::element("message").attr("to", jid).child(...).
    static Node element(std::string tag);
    static Node stream_start();
    static Node stream_end();
    Node &attr(std::string key, std::string value);
    Node &child(Node n);
    Node &text(std::string bytes);      // data content
    Node &empty_children();             // content = an empty child list

    friend bool operator==(const Node &a, const Node &b);
    friend bool operator!=(const Node &a, const Node &b) { return !(a == b); }
};

// Builds a Node from decoder events (JIDs joined as "user@server").
class TreeBuilder : public DecodeHandler {
public:
    explicit TreeBuilder(Node &root) : root_(root) {}
    void node_begin(const NodeBegin &n) override;
    void attribute(const Value &key, const Value &value) override;
    void children_begin(std::uint32_t, std::uint32_t, std::uint32_t count) override;
    void data(const Value &value) override;
    void node_end(std::uint32_t) override;

private:
    Node &root_;
    std::vector<Node *> stack_;
};

DecodeResult decode_tree(const Dialect &dialect, const std::uint8_t *data, std::size_t size, Node &out,
                         const DecodeLimits &limits = {});

// Feeds the tree to a handler as the decoder would have (offsets are all zero).
void replay(const Node &node, DecodeHandler &handler);

// The canonical XML of a tree (through XmlWriter, so there is one writer).
std::string to_xml(const Node &node, bool pretty = false);

}  // namespace funxmpp
