// SPDX-License-Identifier: GPL-2.0-or-later
#include "targets.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "codec/crypto.hpp"
#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "codec/text.hpp"
#include "codec/tree.hpp"
#include "display/stanza_text.hpp"
#include "session/session.hpp"

namespace funxmpp::fuzz {

namespace {

const Version kVersions[] = {{0, 4}, {1, 0}, {1, 1}, {1, 2}, {1, 4}, {1, 5}, {1, 6}};

const Dialect &pick_dialect(std::uint8_t b)
{
    return *dialect_for(kVersions[b % (sizeof kVersions / sizeof kVersions[0])]);
}

void require(bool condition)
{
    if (!condition)
        std::abort();  // a property failed: libFuzzer saves the input
}

// Calls `each(payload, size, header)` for every whole frame of `data`.
template <class F> void for_each_frame(const Dialect &d, const std::uint8_t *data, std::size_t size, F each)
{
    std::size_t pos = 0;
    while (pos < size) {
        FrameParse f = parse_frame(data + pos, size - pos, d.header_size);
        if (f.status == FrameStatus::NeedMore)
            return;
        require(f.header.total_size() >= d.header_size);
        if (f.status == FrameStatus::Frame)
            each(data + pos + d.header_size, f.header.length, f.header);
        pos += f.header.total_size();
    }
}

}  // namespace

void framing(const std::uint8_t *data, std::size_t size)
{
    Prologue p = parse_prologue(data, size);
    require(p.size <= size);
    for (unsigned header : {2u, 3u}) {
        std::size_t pos = p.size;
        while (pos < size) {
            FrameParse f = parse_frame(data + pos, size - pos, header);
            require(f.needed >= header);
            if (f.status == FrameStatus::NeedMore) {
                require(f.needed > size - pos);
                break;
            }
            require(f.header.length <= kMaxFrameLength && f.header.total_size() <= size - pos);
            pos += f.header.total_size();
        }
    }
}

void decoder(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return;
    const Dialect &d = pick_dialect(data[0]);
    for_each_frame(d, data + 1, size - 1, [&](const std::uint8_t *payload, std::size_t n, const FrameHeader &) {
        StanzaText text = render_stanza(d, payload, n);
        require(text.result.ok() || text.result.error.offset <= n);
        require(is_text(text.xml));
        Node tree;
        DecodeResult r = decode_tree(d, payload, n, tree);
        require(r.ok() == text.result.ok());
        if (!r.ok() || r.keep_alive)
            return;
        // The quick look at the tag agrees with the full decode.
        require(top_level_tag(d, payload, n) == tree.tag);
        // What decodes re-encodes (the encoder's own choices) and decodes to the same tree,
        // unless a value is too long for this version's binary lengths.
        std::string again;
        try {
            again = encode_node(d, tree);
        } catch (const std::invalid_argument &) {
            return;
        }
        Node back;
        require(decode_tree(d, reinterpret_cast<const std::uint8_t *>(again.data()), again.size(), back).ok());
        require(to_xml(back) == to_xml(tree));
    });
}

void xml(const std::uint8_t *data, std::size_t size)
{
    // Bytes -> a small tree: each 0x00 ends a string; strings alternate tag, key, value, ...
    std::string s(reinterpret_cast<const char *>(data), size);
    std::size_t pos = 0;
    auto next = [&]() {
        std::size_t end = s.find('\0', pos);
        std::string out = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? s.size() : end + 1;
        return out;
    };
    Node root = Node::element("x" + next());
    for (int i = 0; i < 8 && pos < s.size(); ++i) {
        std::string k = next(), v = next();
        root.attr(k, v);
    }
    if (pos < s.size())
        root.child(Node::element("c").text(next()));
    if (pos < s.size())
        root.text(next());
    std::string out = to_xml(root);
    require(is_text(out));
    require(is_text(to_xml(root, true)));
}

void crypto(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return;
    const Dialect &d = pick_dialect(data[0]);
    CaptureMemory memory;
    const std::string password = *base64_decode("AQIDBAUGBwgJCgsMDQ4PEBESExQ=");
    ConnectionSession session(d.version, memory, [&](const std::string &) {
        return std::optional<Credentials>(Credentials{password, std::string(20, '\xa0'), "fuzz"});
    });
    int i = 0;
    for_each_frame(d, data + 1, size - 1, [&](const std::uint8_t *payload, std::size_t n, const FrameHeader &h) {
        const Direction dir = (i++ % 2 == 0) ? Direction::ClientToServer : Direction::ServerToClient;
        if (h.encrypted()) {
            DecryptResult r = session.decrypt(dir, payload, n);
            if (r.status == DecryptStatus::Decrypted)
                session.observe(dir, reinterpret_cast<const std::uint8_t *>(r.plaintext.data()), r.plaintext.size());
        } else {
            session.observe(dir, payload, n);
        }
    });
}

}  // namespace funxmpp::fuzz
