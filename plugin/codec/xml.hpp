// SPDX-License-Identifier: GPL-2.0-or-later
// Canonical XML writer (DESIGN 2.2), driven by decoder events. The compact form is the
// contract (field funxmpp.xml, expected outputs); `pretty` indents children for people.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/text.hpp"

namespace funxmpp {

enum class Escape : std::uint8_t {
    None,       // the value itself (for display-filter fields)
    Text,       // & < > escaped
    Attribute,  // & < > " escaped
};

template <class Out> void write_escaped(Out &out, std::string_view bytes, Escape escape)
{
    // Runs of ordinary characters go out in one append.
    std::size_t run = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char *entity = nullptr;
        switch (bytes[i]) {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = escape == Escape::Attribute ? "&quot;" : nullptr; break;
        default: break;
        }
        if (entity == nullptr || escape == Escape::None)
            continue;
        out.append(bytes.data() + run, i - run);
        out.append(entity, std::char_traits<char>::length(entity));
        run = i + 1;
    }
    out.append(bytes.data() + run, bytes.size() - run);
}

// A value by the text rule of DESIGN 2.2: (escaped) text, or lowercase hex of its bytes.
// A JID is written in its text form (jid_pieces); the rule applies to the joined string,
// which is text exactly when its user and server are.
template <class Out> void write_value(Out &out, const Value &v, Escape escape)
{
    if (!v.is_jid()) {
        if (is_text(v.str.bytes))
            write_escaped(out, v.str.bytes, escape);
        else
            append_hex(out, v.str.bytes);
        return;
    }
    const bool text = is_text(v.user.bytes) && is_text(v.server.bytes);
    jid_pieces(v, [&](std::string_view piece, bool) {
        if (text)
            write_escaped(out, piece, escape);
        else
            append_hex(out, piece);
    });
}

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
    void indent(std::size_t depth);

    std::string &out_;
    bool pretty_;
    std::vector<Open> open_;
    unsigned suppressed_ = 0;  // inside a stream-end node: it is written as </stream:stream> alone
};

}  // namespace funxmpp
