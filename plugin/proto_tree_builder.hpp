// SPDX-License-Identifier: GPL-2.0-or-later
// Turns decoder events into protocol tree items at the offsets the codec reported.
//
// Wireshark reports errors (e.g. too many tree items) by longjmp, which would skip C++
// destructors: this handler and the decoder frames under it therefore hold only trivially
// destructible state, and every string they hand to Wireshark lives in pinfo->pool.
#pragma once

#include "ws_compat.h"

#include <epan/packet.h>

#include "codec/decoder.hpp"
#include "codec/text.hpp"
#include "e2e/envelope_view.hpp"

namespace funxmpp::ws {

class ProtoTreeBuilder final : public DecodeHandler {
public:
    // `base`: offset in `tvb` of the payload the decoder's offsets are relative to.
    ProtoTreeBuilder(tvbuff_t *tvb, int base, packet_info *pinfo, proto_tree *root)
        : tvb_(tvb), base_(base), pinfo_(pinfo), root_(root), shown_(PTREE_DATA(root)->visible)
    {
    }
    ProtoTreeBuilder(const ProtoTreeBuilder &) = delete;  // start_tag_ points into this object
    ProtoTreeBuilder &operator=(const ProtoTreeBuilder &) = delete;

    void node_begin(const NodeBegin &n) override;
    void attribute(const Value &key, const Value &value) override;
    void children_begin(std::uint32_t offset, std::uint32_t length, std::uint32_t count) override;
    void data(const Value &value) override;
    void node_end(std::uint32_t end) override;

    // After a decode error: elements left open extend to `end` and say they are incomplete.
    void close_unfinished(std::uint32_t end);

private:
    struct Open {
        proto_item *item;
        proto_tree *tree;
        Encoding tag;
        bool content;
        e2e::EnvelopeNode envelope;  // an <enc> node: is its content a Signal envelope?
    };
    void close_start_tag(Open &o);
    // The innermost element's start tag is composed in start_tag_ while its attributes come
    // and labelled once it closes (one printf per element instead of one per attribute).
    void begin_start_tag(proto_item *item);
    void append_start_tag(const char *piece, std::size_t n);
    void label_start_tag(const char *suffix);
    proto_item *add_jid(proto_tree *tree, const Value &v, const char *joined);
    // " (how it was encoded)" after an item's label, when the tree is shown.
    void append_encoding(proto_item *item, const StringValue &s);
    // A string item labelled "Name: value (how it was encoded)".
    proto_item *add_encoded_string(proto_tree *tree, int hf, const StringValue &s, const char *value);

    tvbuff_t *tvb_;
    int base_;
    packet_info *pinfo_;
    proto_tree *root_;
    bool shown_;  // labels are built only for a tree someone will read (not for filter-only passes)
    unsigned depth_ = 0;
    char start_tag_buf_[ITEM_LABEL_LENGTH];
    BoundedText start_tag_{start_tag_buf_, sizeof start_tag_buf_};
    proto_item *start_tag_item_ = nullptr;  // whose label start_tag_ holds, not yet set
    bool start_tag_direct_ = false;         // too long for start_tag_: Wireshark appends the rest
    Open open_[kDefaultMaxDepth]{};  // the decoder never goes deeper (default limits)
};

// The value as a display-filter string (text, or hex by the text rule), for the moment an
// item is added (Wireshark keeps its own copy): in place when short, as nearly all are, else
// in `pool`. Trivially destructible, as everything under the tree builder.
class FieldString {
public:
    FieldString(wmem_allocator_t *pool, const Value &v);
    FieldString(const FieldString &) = delete;
    FieldString &operator=(const FieldString &) = delete;
    const char *c_str() const { return str_; }

private:
    char buf_[128];
    const char *str_;
};

}  // namespace funxmpp::ws
