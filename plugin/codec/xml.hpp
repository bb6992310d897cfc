// SPDX-License-Identifier: GPL-2.0-or-later
// Canonical XML writer (DESIGN 2.2), driven by decoder events. The compact form is the
// contract (field funxmpp.xml, expected outputs); `pretty` indents children for people.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codec/decoder.hpp"

namespace funxmpp {

class XmlWriter : public DecodeHandler {
public:
    explicit XmlWriter(std::string &out, bool pretty = false) : out_(out), pretty_(pretty) {}

    // Forget any element left open by a decode error, ready for the next stanza.
    void reset() { open_.clear(); suppressed_ = 0; }

    void node_begin(const NodeBegin &n) override;
    void attribute(const Value &key, const Value &value) override;
    void children_begin(std::uint32_t offset, std::uint32_t length, std::uint32_t count) override;
    void data(const Value &value) override;
    void node_end(std::uint32_t end) override;

private:
    struct Open {
        std::size_t tag_pos, tag_len;  // the tag as written, inside out_
        bool stream_start;
        bool content_written;          // ">" closed the start tag (children or data follow)
        bool has_children;             // a non-empty child list was written
    };
    void write_value(const Value &v, bool in_attribute);
    void write_text(std::string_view bytes, bool in_attribute);
    void indent(std::size_t depth);

    std::string &out_;
    bool pretty_;
    std::vector<Open> open_;
    unsigned suppressed_ = 0;  // inside a stream-end node: it is written as </stream:stream> alone
};

}  // namespace funxmpp
